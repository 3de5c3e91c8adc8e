/*
 * Draws the benchmark's screens on the Bochs/QEMU "std VGA" (PCI 1234:1111) from inside the Linux
 * guest: programs the VBE DISPI registers (ports 0x1CE/0x1CF) for 1024x768x32 and writes the linear
 * framebuffer (PCI BAR 0) through /dev/mem. The same static binary runs in QEMU and in Atrium.
 *
 *   scene desktop   a desktop-like screen: gradient wallpaper, windows with title bars, text-like rows
 *   scene photo     a photo-like picture: multi-octave value noise, smooth areas with fine detail
 *   scene animate N N full-screen frames, each every pixel different from the last, then exit
 *   scene flip      four full-screen pictures (the desktop XOR four masks) one above the other in
 *                   video memory, shown in turn by moving the display start (DISPI Y_OFFSET) as
 *                   fast as the loop runs: every refresh of either emulator finds a changed screen
 *                   (three times in four) for the cost of two port writes, until killed
 *   scene console   a text console: stdin in 128x48 cells of the VGA BIOS's 8x16 font (/font), grey on black
 *   scene keys      the console's bottom line: reads the first virtual console raw and draws each typed
 *                   character (Backspace erases), so a key's way to the screen runs through the guest
 *
 * The console is drawn in the same 1024x768 graphics mode rather than shown by Linux, because Atrium's direct
 * kernel boot runs no VGA BIOS and announces no screen to Linux (its console is the dummy one), while QEMU's
 * has VGA text: this way both screens hold the same pixels.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#define W 1024
#define H 768

static void dispi(int index, int value) {
    outw(index, 0x1ce);
    outw(value, 0x1cf);
}

static uint32_t pci_read(int dev, int reg) {
    outl(0x80000000u | (dev << 11) | reg, 0xcf8);
    return inl(0xcfc);
}

static uint32_t *framebuffer(size_t size) {
    uint32_t bar = 0;
    for (int dev = 0; dev < 32; dev++) {
        if (pci_read(dev, 0) == 0x11111234u) {
            bar = pci_read(dev, 0x10) & ~0xfu;
            if (!bar) {
                /* Atrium's direct kernel boot runs no BIOS to place the BAR, and Linux finds no
                 * window for it: put it where SeaBIOS would, far above the guest's RAM. */
                bar = 0xfd000000u;
                outl(0x80000000u | (dev << 11) | 0x10, 0xcf8);
                outl(bar, 0xcfc);
                bar = pci_read(dev, 0x10) & ~0xfu;
            }
            /* No driver claims the device, so nothing else turns its memory decoding on. */
            outl(0x80000000u | (dev << 11) | 4, 0xcf8);
            outw(inw(0xcfc) | 3, 0xcfc);
            break;
        }
    }
    if (!bar) {
        fprintf(stderr, "scene: no PCI 1234:1111 display\n");
        exit(1);
    }
    int fd = open("/dev/mem", O_RDWR | O_SYNC);
    if (fd < 0) {
        perror("scene: /dev/mem");
        exit(1);
    }
    void *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, bar);
    if (p == MAP_FAILED) {
        perror("scene: mmap");
        exit(1);
    }
    return p;
}

static void mode(int on) {
    dispi(4, 0); /* disable while changing */
    if (!on) return;
    dispi(1, W);
    dispi(2, H);
    dispi(3, 32);
    dispi(4, 0x41); /* enabled, linear framebuffer */
}

static uint32_t hash(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

static void rect(uint32_t *fb, int x, int y, int w, int h, uint32_t c) {
    for (int j = y; j < y + h && j < H; j++)
        for (int i = x; i < x + w && i < W; i++) fb[j * W + i] = c;
}

static void desktop(uint32_t *fb, int shift) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            fb[y * W + x] = (0x20 + y * 0x40 / H) << 16 | (0x50 + y * 0x50 / H) << 8 | 0x90;
    rect(fb, 0, H - 32, W, 32, 0x303030); /* task bar */
    for (int b = 0; b < 6; b++) rect(fb, 8 + b * 120, H - 28, 110, 24, 0x505868);
    int wins[3][4] = {{60, 50, 560, 380}, {400, 220, 520, 420}, {120, 420, 360, 260}};
    for (int k = 0; k < 3; k++) {
        int x = wins[k][0] + shift, y = wins[k][1], w = wins[k][2], h = wins[k][3];
        rect(fb, x - 1, y - 1, w + 2, h + 2, 0x202020);
        rect(fb, x, y, w, 24, k == 1 ? 0x2a5db0 : 0x7a8699); /* title bar */
        rect(fb, x, y + 24, w, h - 24, 0xf4f4f4);
        /* text-like rows: short dark runs of glyph-sized blocks with gaps */
        for (int row = 0; y + 34 + row * 16 + 10 < y + h; row++) {
            uint32_t r = hash(k * 1000 + row);
            int len = 20 + r % (w / 8 - 24);
            for (int c = 0; c < len; c++) {
                uint32_t g = hash(r + c);
                if (g % 6 == 0) continue; /* a space */
                for (int py = 0; py < 10; py++)
                    for (int px = 0; px < 6; px++)
                        if (hash(g + py * 7 + px) % 3 == 0)
                            fb[(y + 34 + row * 16 + py) * W + x + 8 + c * 8 + px] = 0x202020;
            }
        }
    }
}

/* Value noise, bilinear between lattice points, summed over octaves: integer only. */
static int noise(int x, int y, int cell, uint32_t seed) {
    int gx = x / cell, gy = y / cell, fx = x % cell, fy = y % cell;
    int a = hash(seed + gx * 73856093u + gy * 19349663u) & 255;
    int b = hash(seed + (gx + 1) * 73856093u + gy * 19349663u) & 255;
    int c = hash(seed + gx * 73856093u + (gy + 1) * 19349663u) & 255;
    int d = hash(seed + (gx + 1) * 73856093u + (gy + 1) * 19349663u) & 255;
    int top = a + (b - a) * fx / cell, bottom = c + (d - c) * fx / cell;
    return top + (bottom - top) * fy / cell;
}

static void photo(uint32_t *fb) {
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            int v = (noise(x, y, 256, 1) * 8 + noise(x, y, 64, 2) * 4 + noise(x, y, 16, 3) * 2
                     + noise(x, y, 4, 4)) / 15;
            int sky = y < H / 3 + (noise(x, 0, 128, 5) - 128) / 2;
            int r, g, b;
            if (sky) {
                r = 90 + v / 4; g = 140 + v / 4; b = 200 + v / 5;
            } else {
                r = 40 + v * 2 / 3; g = 70 + v * 3 / 4; b = 30 + v / 3;
            }
            int grain = (int)(hash(y * W + x) % 9) - 4;
            r += grain; g += grain; b += grain;
            r = r < 0 ? 0 : r > 255 ? 255 : r;
            g = g < 0 ? 0 : g > 255 ? 255 : g;
            b = b < 0 ? 0 : b > 255 ? 255 : b;
            fb[y * W + x] = r << 16 | g << 8 | b;
        }
    }
}

static unsigned char font[256 * 16];

static void load_font(void) {
    FILE *f = fopen("/font", "rb");
    if (!f || fread(font, 1, sizeof font, f) != sizeof font) {
        fprintf(stderr, "scene: cannot read /font\n");
        exit(1);
    }
    fclose(f);
}

static void glyph(uint32_t *fb, int col, int row, int ch, uint32_t fg) {
    for (int y = 0; y < 16; y++) {
        int bits = font[(ch & 255) * 16 + y];
        for (int x = 0; x < 8; x++)
            fb[(row * 16 + y) * W + col * 8 + x] = bits & (0x80 >> x) ? fg : 0;
    }
}

static void console(uint32_t *fb) {
    load_font();
    memset(fb, 0, W * H * 4);
    int row = 0, col = 0, ch;
    while ((ch = getchar()) != EOF && row < 48) {
        if (ch == '\n' || col == 128) {
            row++;
            col = 0;
            if (ch == '\n' || row == 48) continue;
        }
        if (ch == '\t') ch = ' ';
        glyph(fb, col++, row, ch, 0xaaaaaa);
    }
}

static void keys(uint32_t *fb) {
    load_font();
    int fd = open("/dev/tty1", O_RDONLY);
    if (fd < 0) {
        perror("scene: /dev/tty1");
        exit(1);
    }
    struct termios raw;
    tcgetattr(fd, &raw);
    cfmakeraw(&raw);
    tcsetattr(fd, TCSANOW, &raw);
    int col = 0;
    printf("KEYS-READY\n");
    fflush(stdout);
    unsigned char c;
    while (read(fd, &c, 1) == 1) {
        if (c == 0x7f || c == 0x08) {
            if (col > 0) glyph(fb, --col, 47, ' ', 0xffffff);
        } else if (c >= 32 && c < 127 && col < 128) {
            glyph(fb, col++, 47, c, 0xffffff);
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 2 || iopl(3) != 0) {
        fprintf(stderr, "usage: scene console|keys|desktop|photo|animate N|flip (as root)\n");
        return 2;
    }
    uint32_t *fb = framebuffer(strcmp(argv[1], "flip") ? W * H * 4 : 4 * W * H * 4);
    mode(1);
    if (!strcmp(argv[1], "console")) {
        console(fb);
    } else if (!strcmp(argv[1], "keys")) {
        keys(fb);
    } else if (!strcmp(argv[1], "desktop")) {
        desktop(fb, 0);
    } else if (!strcmp(argv[1], "photo")) {
        photo(fb);
    } else if (!strcmp(argv[1], "animate")) {
        int n = argc > 2 ? atoi(argv[2]) : 100;
        static uint32_t frames[2][W * H];
        desktop(frames[0], 0);
        for (int i = 0; i < W * H; i++) frames[1][i] = ~frames[0][i] & 0xffffff;
        printf("ANIMATE-START\n");
        fflush(stdout);
        for (int f = 0; f < n; f++) memcpy(fb, frames[f & 1], W * H * 4);
    } else if (!strcmp(argv[1], "flip")) {
        static const uint32_t masks[4] = {0, 0xffffff, 0x808080, 0x7f7f7f};
        desktop(fb, 0);
        for (int k = 1; k < 4; k++)
            for (int i = 0; i < W * H; i++) fb[k * W * H + i] = fb[i] ^ masks[k];
        printf("FLIP-START\n");
        fflush(stdout);
        for (unsigned f = 0;; f++) dispi(9, (f & 3) * H); /* Y_OFFSET: the display start */
    } else {
        fprintf(stderr, "scene: unknown %s\n", argv[1]);
        return 2;
    }
    printf("SCENE-DONE %s\n", argv[1]);
    return 0;
}
