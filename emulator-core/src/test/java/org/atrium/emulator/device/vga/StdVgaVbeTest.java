package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bochs VBE DISPI modes as SeaVGABIOS's bochsvga driver sets them. */
class StdVgaVbeTest {
    private static final int VRAM = 16 << 20;
    private StdVga vga;
    private BiosLikeProgrammer bios;
    private RecordingListener listener;

    @BeforeEach
    void setUp() {
        vga = new StdVga(VRAM);
        bios = new BiosLikeProgrammer(vga);
        listener = new RecordingListener();
        vga.surface().addListener(listener);
    }

    private int pixel(int x, int y) {
        int[] out = new int[1];
        vga.surface().read(x, y, 1, 1, out, 0, 1);
        return out[0];
    }

    /** bochsvga_set_mode: disable, BPP, XRES, YRES, BANK 0, ENABLE with the flags. */
    private void setVbeMode(int width, int height, int bpp, int flags) {
        bios.dispi(BochsDispi.INDEX_ENABLE, 0);
        bios.dispi(BochsDispi.INDEX_BPP, bpp);
        bios.dispi(BochsDispi.INDEX_XRES, width);
        bios.dispi(BochsDispi.INDEX_YRES, height);
        bios.dispi(BochsDispi.INDEX_BANK, 0);
        bios.dispi(BochsDispi.INDEX_ENABLE, BochsDispi.ENABLED | flags);
    }

    @Test
    void probeAsSeaVgaBiosDoes() {
        bios.dispi(BochsDispi.INDEX_ID, BochsDispi.ID0);
        assertEquals(0xB0C0, bios.dispiRead(BochsDispi.INDEX_ID));
        bios.dispi(BochsDispi.INDEX_ID, BochsDispi.ID5);
        assertEquals(0xB0C5, bios.dispiRead(BochsDispi.INDEX_ID));
        assertEquals(VRAM >> 16, bios.dispiRead(BochsDispi.INDEX_VIDEO_MEMORY_64K));
        bios.dispi(BochsDispi.INDEX_ENABLE, BochsDispi.GETCAPS);
        assertEquals(BochsDispi.MAX_XRES, bios.dispiRead(BochsDispi.INDEX_XRES));
        assertEquals(BochsDispi.MAX_YRES, bios.dispiRead(BochsDispi.INDEX_YRES));
        assertEquals(32, bios.dispiRead(BochsDispi.INDEX_BPP));
        bios.dispi(BochsDispi.INDEX_ENABLE, 0);
        assertEquals(640, bios.dispiRead(BochsDispi.INDEX_XRES));
    }

    @Test
    void linear1024x768x32ShowsFramebufferPixels() {
        setVbeMode(1024, 768, 32, BochsDispi.LFB_ENABLED);
        vga.linearFramebuffer().write((100 * 1024 + 200) * 4, 4, 0x00FF8040);
        vga.refresh(0);
        assertEquals(1024, vga.surface().width());
        assertEquals(768, vga.surface().height());
        assertEquals(1024, listener.resizes.get(listener.resizes.size() - 1)[0]);
        assertEquals(0xFF8040, pixel(200, 100));
        assertEquals(0, pixel(201, 100));
        assertEquals(0x00FF8040, vga.linearFramebuffer().read((100 * 1024 + 200) * 4, 4));
    }

    @Test
    void linearWritesDamageOnlyTheirTile() {
        setVbeMode(1024, 768, 32, BochsDispi.LFB_ENABLED);
        vga.refresh(0);
        listener.clear();
        vga.linearFramebuffer().write((500 * 1024 + 700) * 4, 4, 0x123456);
        vga.refresh(0);
        assertEquals(1, listener.damage.size());
        int[] r = listener.damage.get(0);
        assertEquals(688, r[0]);
        assertEquals(496, r[1]);
        assertEquals(16, r[2]);
        assertEquals(16, r[3]);
    }

    @Test
    void aFullLineOfChangesIsOneRectangle() {
        setVbeMode(1024, 768, 32, BochsDispi.LFB_ENABLED);
        vga.refresh(0);
        listener.clear();
        for (int x = 0; x < 1024; x++) {
            vga.linearFramebuffer().write((33 * 1024 + x) * 4, 4, 0xFFFFFF);
        }
        vga.refresh(0);
        assertEquals(1, listener.damage.size());
        assertEquals(1024, listener.damage.get(0)[2]);
    }

    @Test
    void enablingClearsMemoryUnlessNoClearMem() {
        vga.linearFramebuffer().write(0, 4, 0x11223344);
        setVbeMode(640, 480, 32, BochsDispi.LFB_ENABLED | BochsDispi.NOCLEARMEM);
        assertEquals(0x11223344, vga.linearFramebuffer().read(0, 4));
        bios.dispi(BochsDispi.INDEX_ENABLE, 0);
        setVbeMode(640, 480, 32, BochsDispi.LFB_ENABLED);
        assertEquals(0, vga.linearFramebuffer().read(0, 4));
    }

    @Test
    void sixteenAndFifteenBitPixels() {
        setVbeMode(640, 480, 16, BochsDispi.LFB_ENABLED);
        vga.linearFramebuffer().write(0, 2, 0xF800);
        vga.linearFramebuffer().write(2, 2, 0x07E0);
        vga.refresh(0);
        assertEquals(0xFF0000, pixel(0, 0));
        assertEquals(0x00FF00, pixel(1, 0));
        setVbeMode(640, 480, 15, BochsDispi.LFB_ENABLED);
        vga.linearFramebuffer().write(0, 2, 0x001F);
        vga.refresh(0);
        assertEquals(0x0000FF, pixel(0, 0));
    }

    @Test
    void twentyFourBitPixelsAreBlueGreenRed() {
        setVbeMode(800, 600, 24, BochsDispi.LFB_ENABLED);
        vga.linearFramebuffer().write(3 * 5, 1, 0x10);
        vga.linearFramebuffer().write(3 * 5 + 1, 1, 0x20);
        vga.linearFramebuffer().write(3 * 5 + 2, 1, 0x30);
        vga.refresh(0);
        assertEquals(0x302010, pixel(5, 0));
    }

    @Test
    void eightBitModeUsesTheDacAndItsEightBitSetting() {
        setVbeMode(640, 480, 8, BochsDispi.LFB_ENABLED | BochsDispi.DAC_8BIT);
        bios.dac(7, 0x80, 0x40, 0xFF);
        vga.linearFramebuffer().write(9, 1, 7);
        vga.refresh(0);
        assertEquals(0x8040FF, pixel(9, 0));
    }

    @Test
    void bankedWindowReachesLinearMemory() {
        setVbeMode(640, 480, 8, 0);
        bios.dac(3, 0x3F, 0x3F, 0x3F);
        bios.dispi(BochsDispi.INDEX_BANK, 1);
        assertEquals(1, bios.dispiRead(BochsDispi.INDEX_BANK));
        vga.legacyMemory().write(0x10, 1, 3);
        assertEquals(3, vga.linearFramebuffer().read(0x10010, 1));
        vga.refresh(0);
        int address = 0x10010;
        assertEquals(0xFFFFFF, pixel(address % 640, address / 640));
    }

    @Test
    void virtualWidthAndOffsetsPanThePicture() {
        setVbeMode(640, 480, 32, BochsDispi.LFB_ENABLED);
        bios.dispi(BochsDispi.INDEX_VIRT_WIDTH, 1024);
        assertEquals(1024, bios.dispiRead(BochsDispi.INDEX_VIRT_WIDTH));
        assertTrue(bios.dispiRead(BochsDispi.INDEX_VIRT_HEIGHT) >= 480);
        vga.linearFramebuffer().write((20 * 1024 + 30) * 4, 4, 0xABCDEF);
        vga.refresh(0);
        assertEquals(0xABCDEF, pixel(30, 20));
        bios.dispi(BochsDispi.INDEX_X_OFFSET, 10);
        bios.dispi(BochsDispi.INDEX_Y_OFFSET, 5);
        vga.refresh(0);
        assertEquals(0xABCDEF, pixel(20, 15));
    }

    @Test
    void disablingReturnsToVgaText() {
        new BiosLikeProgrammer(vga).setMode3();
        setVbeMode(1024, 768, 32, BochsDispi.LFB_ENABLED);
        vga.refresh(0);
        bios.dispi(BochsDispi.INDEX_ENABLE, 0);
        vga.refresh(0);
        assertEquals(720, vga.surface().width());
        assertEquals(400, vga.surface().height());
    }

    @Test
    void fourBitModeScansThePlanesWithTheDispiGeometry() {
        // bochsvga_set_mode for a planar mode: VGA mode 6Ah registers first, then DISPI at 4 bpp
        bios.setMode12();
        setVbeMode(800, 600, 4, 0);
        bios.gc(6, 0x05);
        bios.gc(1, 0x0F);
        bios.gc(0, 0x0A);
        bios.gc(8, 0x01); // rightmost pixel of the byte
        int address = 599 * 100 + 99; // last byte of the picture
        vga.legacyMemory().read(address, 1);
        vga.legacyMemory().write(address, 1, 0);
        vga.refresh(0);
        assertEquals(800, vga.surface().width());
        assertEquals(600, vga.surface().height());
        int green =
                BiosLikeProgrammer.rgb(BiosLikeProgrammer.ega64(BiosLikeProgrammer.ACTL_10[0x0A]));
        assertEquals(green, pixel(799, 599));
        assertEquals(0, pixel(798, 599));
    }

    @Test
    void fourBitPlanesLargerThan64KiBAreReachedThroughTheBank() {
        bios.setMode12();
        setVbeMode(1024, 768, 4, 0);
        bios.gc(6, 0x05);
        bios.gc(1, 0x0F);
        bios.gc(0, 0x0C);
        bios.gc(8, 0x80);
        int address = 767 * 128; // first byte of the last line, 98176: inside bank 1
        bios.dispi(BochsDispi.INDEX_BANK, address >> 16);
        vga.legacyMemory().read(address & 0xFFFF, 1);
        vga.legacyMemory().write(address & 0xFFFF, 1, 0);
        vga.refresh(0);
        int red =
                BiosLikeProgrammer.rgb(BiosLikeProgrammer.ega64(BiosLikeProgrammer.ACTL_10[0x0C]));
        assertEquals(red, pixel(0, 767));
        assertEquals(0, pixel(0, 767 - 512)); // bank 0 at the same window offset is untouched
    }
}
