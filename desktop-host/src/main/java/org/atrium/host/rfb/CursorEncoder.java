package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/**
 * Cursor pseudo-encoding (-239, community rfbproto "Cursor Pseudo-encoding"): the rectangle's x and
 * y are the hotspot, its body the cursor's pixels in the client's format and then a 1-bit mask,
 * each row padded to a byte, most significant bit first. The client draws this cursor itself, so
 * pointer movement shows without a round trip.
 *
 * <p>The emulated display adapter has no hardware cursor yet, so every client gets the same default
 * arrow once, and again after it changes its pixel format. A guest that draws its own cursor into
 * the framebuffer (X11 without a hardware cursor) then shows two; a client that does not ask for
 * this pseudo-encoding sees only the guest's.
 */
final class CursorEncoder {
    /** 'X' black outline, '.' white body, ' ' transparent. The hotspot is the top-left pixel. */
    static final String[] ARROW = {
        "X           ",
        "XX          ",
        "X.X         ",
        "X..X        ",
        "X...X       ",
        "X....X      ",
        "X.....X     ",
        "X......X    ",
        "X.......X   ",
        "X........X  ",
        "X.........X ",
        "X..........X",
        "X......XXXXX",
        "X...X..X    ",
        "X..XX..X    ",
        "X.X  X..X   ",
        "XX   X..X   ",
        "X     X..X  ",
        "      X..X  ",
        "       XX   ",
    };

    static final int WIDTH = ARROW[0].length();
    static final int HEIGHT = ARROW.length;

    private CursorEncoder() {}

    /** The arrow as 0x00RRGGBB pixels and a mask: {@code mask[i]} true where pixel i is drawn. */
    static int[] pixels() {
        int[] p = new int[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                p[y * WIDTH + x] = ARROW[y].charAt(x) == '.' ? 0xffffff : 0x000000;
            }
        }
        return p;
    }

    static boolean opaque(int x, int y) {
        return ARROW[y].charAt(x) != ' ';
    }

    static void encode(PixelFormat format, ByteBuf out) {
        RfbEncoding.writeHeader(out, 0, 0, WIDTH, HEIGHT, RfbEncoding.CURSOR);
        for (int rgb : pixels()) format.writePixel(out, format.pack(rgb));
        for (int y = 0; y < HEIGHT; y++) {
            int bits = 0;
            int count = 0;
            for (int x = 0; x < WIDTH; x++) {
                bits = bits << 1 | (opaque(x, y) ? 1 : 0);
                if (++count == 8) {
                    out.writeByte(bits);
                    bits = 0;
                    count = 0;
                }
            }
            if (count > 0) out.writeByte(bits << (8 - count));
        }
    }
}
