package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Planar write/read modes and latches in mode 12h, and chain-4 pixels in mode 13h. */
class StdVgaGraphicsTest {
    private StdVga vga;
    private BiosLikeProgrammer bios;
    private RecordingListener listener;

    @BeforeEach
    void setUp() {
        vga = new StdVga(16 << 20);
        bios = new BiosLikeProgrammer(vga);
        listener = new RecordingListener();
        vga.surface().addListener(listener);
    }

    private int pixel(int x, int y) {
        int[] out = new int[1];
        vga.surface().read(x, y, 1, 1, out, 0, 1);
        return out[0];
    }

    private static int mode12Color(int index) {
        return BiosLikeProgrammer.rgb(BiosLikeProgrammer.ega64(BiosLikeProgrammer.ACTL_10[index]));
    }

    private int readPlane(int plane, int address) {
        bios.gc(5, 0x00);
        bios.gc(4, plane);
        return vga.legacyMemory().read(address, 1);
    }

    private void writeByte(int address, int value) {
        vga.legacyMemory().write(address, 1, value);
    }

    @Test
    void mode12hIs640By480() {
        bios.setMode12();
        vga.refresh(0);
        assertEquals(640, vga.surface().width());
        assertEquals(480, vga.surface().height());
    }

    @Test
    void writeMode0WithSetResetPaintsTheMaskedBitsInTheSetResetColour() {
        bios.setMode12();
        bios.gc(1, 0x0F); // enable set/reset on all planes
        bios.gc(0, 0x05); // colour 5
        bios.gc(8, 0x80); // leftmost pixel only
        vga.legacyMemory().read(0, 1); // load latches (all zero)
        writeByte(0, 0x00);
        vga.refresh(0);
        assertEquals(mode12Color(5), pixel(0, 0));
        assertEquals(mode12Color(0), pixel(1, 0));
        assertEquals(0x80, readPlane(0, 0));
        assertEquals(0x00, readPlane(1, 0));
        assertEquals(0x80, readPlane(2, 0));
    }

    @Test
    void writeMode0RotatesAndCombinesWithTheLatches() {
        bios.setMode12();
        bios.seq(2, 0x01); // plane 0 only
        writeByte(10, 0x0F);
        bios.gc(3, (3 << 3) | 4); // XOR with latches, rotate right by 4
        vga.legacyMemory().read(10, 1); // latch plane 0 = 0x0F
        writeByte(10, 0x0F); // rotated: 0xF0, XOR 0x0F = 0xFF
        assertEquals(0xFF, readPlane(0, 10));
    }

    @Test
    void mapMaskLimitsTheWrittenPlanes() {
        bios.setMode12();
        bios.seq(2, 0x04);
        writeByte(3, 0xAA);
        assertEquals(0x00, readPlane(0, 3));
        assertEquals(0xAA, readPlane(2, 3));
    }

    @Test
    void writeMode1CopiesTheLatches() {
        bios.setMode12();
        bios.gc(1, 0x0F);
        bios.gc(0, 0x0C);
        writeByte(0, 0xFF); // 8 pixels of colour 12 at the top left
        bios.gc(1, 0x00);
        bios.gc(5, 0x01);
        vga.legacyMemory().read(0, 1);
        writeByte(80, 0x00); // line 1, same columns
        vga.refresh(0);
        assertEquals(mode12Color(12), pixel(0, 1));
        assertEquals(mode12Color(12), pixel(7, 1));
        assertEquals(mode12Color(0), pixel(8, 1));
    }

    @Test
    void writeMode2SpreadsTheColourOverTheBitMask() {
        bios.setMode12();
        bios.gc(5, 0x02);
        bios.gc(8, 0x3C);
        vga.legacyMemory().read(5, 1);
        writeByte(5, 0x09);
        vga.refresh(0);
        assertEquals(mode12Color(0), pixel(5 * 8 + 1, 0));
        assertEquals(mode12Color(9), pixel(5 * 8 + 2, 0));
        assertEquals(mode12Color(9), pixel(5 * 8 + 5, 0));
        assertEquals(mode12Color(0), pixel(5 * 8 + 6, 0));
    }

    @Test
    void writeMode3UsesRotatedDataAndBitMaskWithSetReset() {
        bios.setMode12();
        bios.gc(5, 0x03);
        bios.gc(0, 0x0E);
        bios.gc(8, 0xF0);
        bios.gc(3, 1); // rotate right by one
        vga.legacyMemory().read(0, 1);
        writeByte(0, 0xE0); // rotated 0x70, AND bit mask 0xF0 = 0x70
        vga.refresh(0);
        assertEquals(mode12Color(0), pixel(0, 0));
        assertEquals(mode12Color(0x0E), pixel(1, 0));
        assertEquals(mode12Color(0x0E), pixel(3, 0));
        assertEquals(mode12Color(0), pixel(4, 0));
    }

    @Test
    void readMode1ComparesColoursAcrossPlanes() {
        bios.setMode12();
        bios.gc(1, 0x0F);
        bios.gc(0, 0x06);
        bios.gc(8, 0xF0);
        writeByte(7, 0x00); // left half colour 6, right half colour 0
        bios.gc(1, 0x00);
        bios.gc(8, 0xFF);
        bios.gc(5, 0x08); // read mode 1
        bios.gc(2, 0x06);
        bios.gc(7, 0x0F);
        assertEquals(0xF0, vga.legacyMemory().read(7, 1));
        bios.gc(7, 0x00); // all planes "don't care": every pixel matches
        assertEquals(0xFF, vga.legacyMemory().read(7, 1));
    }

    @Test
    void planarDamageStaysNearTheWrite() {
        bios.setMode12();
        vga.refresh(0);
        listener.clear();
        writeByte(240 * 80 + 40, 0xFF); // line 240, x 320..327
        vga.refresh(0);
        assertTrue(listener.covers(320, 240));
        assertEquals(16 * 16, listener.damagedArea());
    }

    @Test
    void mode13hShowsChainFourPixelsDoubled() {
        bios.setMode13();
        bios.dac(0x21, 0x3F, 0x20, 0x00);
        vga.legacyMemory().write(10 * 320 + 7, 1, 0x21);
        vga.refresh(0);
        assertEquals(640, vga.surface().width());
        assertEquals(400, vga.surface().height());
        int orange = BiosLikeProgrammer.rgb(new int[] {0x3F, 0x20, 0x00});
        assertEquals(orange, pixel(14, 20));
        assertEquals(orange, pixel(15, 21));
        assertEquals(0, pixel(16, 20));
        assertEquals(0, pixel(14, 22));
        assertEquals(0x21, vga.legacyMemory().read(10 * 320 + 7, 1));
    }

    @Test
    void mode13hWordWritesFillNeighbouringPixels() {
        bios.setMode13();
        bios.dac(1, 0x3F, 0, 0);
        bios.dac(2, 0, 0x3F, 0);
        vga.legacyMemory().write(0, 2, 0x0201);
        vga.refresh(0);
        assertEquals(0xFF0000, pixel(0, 0));
        assertEquals(0x00FF00, pixel(2, 0));
    }

    @Test
    void splitScreenRestartsAtAddressZeroAfterLineCompare() {
        bios.setMode12();
        bios.gc(1, 0x0F);
        bios.gc(0, 0x04);
        writeByte(0, 0xFF); // first byte of memory
        bios.gc(1, 0x00);
        bios.crtc(0x0C, 0x10); // start address 0x1000: top part shows elsewhere
        bios.crtc(0x18, 99); // line compare 99 (bits 8/9 cleared below)
        bios.crtc(0x07, 0x2e); // CRTC_11 overflow without the line compare bit
        bios.crtc(0x09, 0x00);
        vga.refresh(0);
        assertEquals(mode12Color(0), pixel(0, 0));
        assertEquals(mode12Color(4), pixel(0, 100));
    }

    @Test
    void cgaMode4InterleavesEvenAndOddLinesAndPacksTwoBitPixels() {
        bios.setMode4();
        // SeaVGABIOS loads its CGA palette ("palette1") for mode 4; only entries used here
        bios.dac(0x17, 0x3f, 0x3f, 0x3f);
        bios.dac(0x13, 0x00, 0x2a, 0x2a);
        vga.legacyMemory().write(0x18000, 1, 0b11_01_00_00); // line 0: pixels 3,1,0,0
        vga.legacyMemory().write(0x18001, 1, 0b00_00_00_11); // line 0: pixels 4-7
        vga.legacyMemory().write(0x18000 + 0x2000, 1, 0b01_00_00_00); // line 1
        vga.refresh(0);
        assertEquals(640, vga.surface().width());
        assertEquals(400, vga.surface().height());
        assertEquals(0xFFFFFF, pixel(0, 0)); // pixel 0, doubled in x and y
        assertEquals(0xFFFFFF, pixel(1, 1));
        assertEquals(0x00AAAA, pixel(2, 0));
        assertEquals(0, pixel(4, 0));
        assertEquals(0xFFFFFF, pixel(7 * 2, 0));
        assertEquals(0x00AAAA, pixel(0, 2));
        assertEquals(0x00AAAA, pixel(1, 3));
    }

    @Test
    void cgaMode6ShowsOneBitPixelsWithOddLinesAt0x2000() {
        bios.setMode6();
        bios.dac(0x17, 0x3f, 0x3f, 0x3f);
        vga.legacyMemory().write(0x18000, 1, 0x81);
        vga.legacyMemory().write(0x18000 + 0x2000 + 80, 1, 0x40); // line 3
        vga.refresh(0);
        assertEquals(640, vga.surface().width());
        assertEquals(0xFFFFFF, pixel(0, 0));
        assertEquals(0xFFFFFF, pixel(0, 1));
        assertEquals(0, pixel(1, 0));
        assertEquals(0xFFFFFF, pixel(7, 0));
        assertEquals(0xFFFFFF, pixel(1, 6));
        assertEquals(0xFFFFFF, pixel(1, 7));
        assertEquals(0, pixel(1, 4));
    }
}
