package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mode 3 programmed as SeaVGABIOS does, then text written to 0xB8000 and rendered. */
class StdVgaTextModeTest {
    private static final long FRAME = VgaTiming.FRAME_NANOS;
    private static final int[] GLYPH_A = {
        0x00, 0x18, 0x3C, 0x66, 0x66, 0x7E, 0x66, 0x66, 0x66, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF,
        0x00
    };
    private static final int[] GLYPH_FULL_ROW = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00
    };

    private StdVga vga;
    private BiosLikeProgrammer bios;
    private RecordingListener listener;

    @BeforeEach
    void setUp() {
        vga = new StdVga(16 << 20);
        bios = new BiosLikeProgrammer(vga);
        listener = new RecordingListener();
        vga.surface().addListener(listener);
        bios.setMode3();
        bios.loadGlyph('A', GLYPH_A);
        bios.loadGlyph(0xC4, GLYPH_FULL_ROW);
        bios.loadGlyph('B', GLYPH_FULL_ROW);
    }

    private static int color(int attributeIndex) {
        return BiosLikeProgrammer.rgb(
                BiosLikeProgrammer.ega64(BiosLikeProgrammer.ACTL_01[attributeIndex]));
    }

    private int pixel(int x, int y) {
        int[] out = new int[1];
        vga.surface().read(x, y, 1, 1, out, 0, 1);
        return out[0];
    }

    @Test
    void mode3IsA720By400PictureAnnouncedAsResize() {
        vga.refresh(0);
        assertEquals(720, vga.surface().width());
        assertEquals(400, vga.surface().height());
        assertEquals(1, listener.resizes.size());
        assertEquals(720, listener.resizes.get(0)[0]);
        assertEquals(400, listener.resizes.get(0)[1]);
    }

    @Test
    void anUnwatchedScreenKeepsItsSizeAndIsDrawnWholeForTheNextListener() {
        bios.putChar(2, 5, 'A', 0x1E);
        vga.refresh(0);
        int x = 5 * 9 + 3;
        int y = 2 * 16 + 1;
        assertEquals(color(14), pixel(x, y));
        vga.surface().removeListener(listener);
        bios.putChar(2, 5, 'A', 0x2E); // yellow on green, while nobody watches
        vga.refresh(FRAME);
        assertEquals(720, vga.surface().width());
        assertEquals(400, vga.surface().height());
        assertEquals(0, pixel(x, y), "an unwatched surface keeps no picture");
        assertEquals(0, pixel(x - 1, y));

        RecordingListener next = new RecordingListener();
        vga.surface().addListener(next);
        vga.refresh(2 * FRAME);
        assertEquals(color(14), pixel(x, y));
        assertEquals(color(2), pixel(x - 1, y), "what changed unwatched is drawn");
        assertTrue(next.covers(x, y), "the new listener hears of what is not black");
    }

    @Test
    void glyphRowsShowForegroundAndBackgroundColours() {
        bios.putChar(2, 5, 'A', 0x1E); // yellow on blue
        vga.refresh(0);
        int x0 = 5 * 9;
        int y0 = 2 * 16;
        int yellow = color(14);
        int blue = color(1);
        assertEquals(0xFFFF55, yellow);
        assertEquals(0x0000AA, blue);
        // row 1 of the glyph is 0x18: dots 3 and 4 lit
        assertEquals(blue, pixel(x0 + 2, y0 + 1));
        assertEquals(yellow, pixel(x0 + 3, y0 + 1));
        assertEquals(yellow, pixel(x0 + 4, y0 + 1));
        assertEquals(blue, pixel(x0 + 5, y0 + 1));
        // row 0 is empty; row 5 is 0x7E
        assertEquals(blue, pixel(x0 + 3, y0));
        assertEquals(yellow, pixel(x0 + 1, y0 + 5));
        assertEquals(blue, pixel(x0, y0 + 5));
        // row 14 is 0xFF; 'A' is no line-drawing character so the ninth dot is background
        assertEquals(yellow, pixel(x0 + 7, y0 + 14));
        assertEquals(blue, pixel(x0 + 8, y0 + 14));
        // the neighbouring cell keeps the cleared screen's grey-on-black blank
        assertEquals(0, pixel(x0 + 9, y0 + 1));
    }

    @Test
    void lineDrawingCharactersRepeatTheEighthDotInTheNinth() {
        bios.putChar(0, 0, 0xC4, 0x07);
        bios.putChar(0, 1, 'B', 0x07);
        vga.refresh(0);
        int grey = color(7);
        assertEquals(grey, pixel(7, 7));
        assertEquals(grey, pixel(8, 7));
        assertEquals(grey, pixel(9 + 7, 7));
        assertEquals(0, pixel(9 + 8, 7));
    }

    @Test
    void eightDotModeHas640PixelsPerLine() {
        bios.seq(1, 0x01);
        vga.refresh(0);
        assertEquals(640, vga.surface().width());
    }

    @Test
    void damageCoversOnlyTheChangedCell() {
        vga.refresh(0);
        listener.clear();
        bios.putChar(10, 40, 'A', 0x0F);
        vga.refresh(0);
        assertFalse(listener.damage.isEmpty());
        int x0 = 40 * 9;
        int y0 = 10 * 16;
        assertTrue(listener.covers(x0 + 3, y0 + 1));
        for (int[] r : listener.damage) {
            // every rectangle touches the cell's 16-pixel tiles only
            assertTrue(r[0] + r[2] > x0 && r[0] < x0 + 9, "rect " + java.util.Arrays.toString(r));
            assertTrue(r[1] + r[3] > y0 && r[1] < y0 + 16, "rect " + java.util.Arrays.toString(r));
        }
        assertTrue(listener.damagedArea() <= 32 * 16);
    }

    @Test
    void nothingChangedMeansNoDamage() {
        bios.putChar(3, 3, 'A', 0x07);
        vga.refresh(0);
        listener.clear();
        bios.putChar(3, 3, 'A', 0x07); // same value again
        vga.refresh(1);
        assertTrue(listener.damage.isEmpty());
    }

    @Test
    void aChangedTextRowIsReportedAsOneMergedRectangle() {
        vga.refresh(0);
        listener.clear();
        for (int c = 0; c < 80; c++) {
            bios.putChar(4, c, 'B', 0x07);
        }
        vga.refresh(0);
        assertEquals(1, listener.damage.size());
        assertEquals(0, listener.damage.get(0)[0]);
        assertEquals(720, listener.damage.get(0)[2]);
        assertEquals(64, listener.damage.get(0)[1]);
    }

    @Test
    void cursorBlinksWithVirtualTime() {
        bios.crtc(0x0E, 0x00);
        bios.crtc(0x0F, 81); // row 1, column 1
        vga.refresh(0);
        int grey = color(7);
        // mode 3 cursor lines 13-14 (CR0A=0x0d, CR0B=0x0e)
        assertEquals(grey, pixel(9 + 4, 16 + 13));
        assertEquals(0, pixel(9 + 4, 16 + 12));
        listener.clear();
        vga.refresh(8 * FRAME);
        assertEquals(0, pixel(9 + 4, 16 + 13));
        assertTrue(listener.covers(9 + 4, 16 + 13));
        assertTrue(listener.damagedArea() <= 32 * 16);
        vga.refresh(16 * FRAME);
        assertEquals(grey, pixel(9 + 4, 16 + 13));
    }

    @Test
    void cursorDisableBitHidesTheCursor() {
        bios.crtc(0x0F, 0);
        bios.crtc(0x0A, 0x20);
        vga.refresh(0);
        assertEquals(0, pixel(4, 13));
    }

    @Test
    void attributeBitSevenBlinksWhenBlinkIsEnabled() {
        bios.putChar(0, 0, 'B', 0x9F); // blink, bright white on blue
        vga.refresh(0);
        assertEquals(color(15), pixel(0, 7));
        assertEquals(color(1), pixel(0, 6));
        vga.refresh(16 * FRAME); // blink-off phase: only background
        assertEquals(color(1), pixel(0, 7));
    }

    @Test
    void attributeBitSevenIsBackgroundIntensityWhenBlinkIsDisabled() {
        bios.attr(0x10, 0x04); // mode control without blink enable
        bios.out(0x3C0, 0x20);
        bios.putChar(0, 0, 'B', 0x9F);
        vga.refresh(16 * FRAME);
        assertEquals(color(15), pixel(0, 7));
        assertEquals(color(9), pixel(0, 6));
    }

    @Test
    void startAddressScrollsThePicture() {
        bios.putChar(1, 0, 'B', 0x07);
        vga.refresh(0);
        assertEquals(0, pixel(0, 7));
        bios.crtc(0x0C, 0);
        bios.crtc(0x0D, 80); // one row further
        vga.refresh(0);
        assertEquals(color(7), pixel(0, 7));
    }

    @Test
    void paletteChangeRepaintsEverything() {
        bios.putChar(0, 0, 'B', 0x07);
        vga.refresh(0);
        listener.clear();
        bios.dac(0x07, 0x3f, 0, 0); // attribute 7 maps to DAC 7
        vga.refresh(0);
        assertEquals(0xFF0000, pixel(0, 7));
    }

    @Test
    void displayIsBlankUntilThePaletteAddressSourceIsSet() {
        bios.putChar(0, 0, 'B', 0x07);
        bios.in(0x3DA);
        bios.out(0x3C0, 0x00); // palette address source cleared: screen off
        vga.refresh(0);
        assertEquals(0, pixel(0, 7));
        bios.out(0x3C0, 0x00); // data write completes the pair
        bios.out(0x3C0, 0x20);
        vga.refresh(0);
        assertEquals(color(7), pixel(0, 7));
    }

    @Test
    void monoCrtcPortsAreIgnoredInColourAddressing() {
        bios.out(0x3B4, 0x0C);
        bios.out(0x3B5, 0x12);
        assertEquals(0xFF, bios.in(0x3B5));
        bios.out(0x3D4, 0x0C);
        assertEquals(0x00, bios.in(0x3D5));
    }

    @Test
    void monoAddressingMovesTheCrtcTo0x3B4() {
        bios.out(0x3C2, 0x66);
        bios.out(0x3B4, 0x0F);
        bios.out(0x3B5, 0x42);
        assertEquals(0x42, bios.in(0x3B5));
        assertEquals(0xFF, bios.in(0x3D5));
    }

    @Test
    void textPlanesReadBackThroughOddEvenAddressing() {
        bios.putChar(0, 3, 'Q', 0x4E);
        assertEquals('Q', vga.legacyMemory().read(0x18000 + 6, 1));
        assertEquals(0x4E, vga.legacyMemory().read(0x18000 + 7, 1));
        assertEquals(0x4E << 8 | 'Q', vga.legacyMemory().read(0x18000 + 6, 2));
    }

    @Test
    void cursorShapeChangeRepaintsTheCursorCell() {
        bios.crtc(0x0F, 0);
        vga.refresh(0);
        assertEquals(0, pixel(4, 2));
        bios.crtc(0x0A, 0x00); // block cursor: lines 0-14
        vga.refresh(0);
        assertEquals(color(7), pixel(4, 2));
    }

    @Test
    void fortyColumnModeDoublesEachDot() {
        bios.seq(1, 0x08); // SeaVGABIOS mode 1 clocking: dot clock halved
        bios.crtc(0x11, 0x00);
        bios.crtc(0x01, 0x27);
        bios.crtc(0x13, 0x14);
        vga.legacyMemory().write(0x18000 + 2, 2, 0x07 << 8 | 'B');
        vga.refresh(0);
        assertEquals(720, vga.surface().width());
        // character 1 covers x 18..35; its row 7 is fully lit
        assertEquals(0, pixel(17, 7));
        assertEquals(color(7), pixel(18, 7));
        assertEquals(color(7), pixel(33, 7));
        assertEquals(0, pixel(35, 7));
    }

    @Test
    void presetRowScanMovesTheTextUpByScanLines() {
        bios.putChar(0, 0, 'B', 0x07); // lit on glyph line 7
        bios.crtc(0x08, 3);
        vga.refresh(0);
        assertEquals(color(7), pixel(0, 4));
        assertEquals(0, pixel(0, 7));
    }

    @Test
    void pelPanningShiftsNineDotTextLeft() {
        bios.putChar(0, 1, 0xC4, 0x07); // line-drawing: all nine dots lit on line 7
        vga.refresh(0);
        assertEquals(0, pixel(8, 7));
        assertEquals(color(7), pixel(9, 7));
        bios.attr(0x13, 0x00); // 9-dot panning value 0 shifts by one dot
        bios.out(0x3C0, 0x20);
        vga.refresh(0);
        assertEquals(color(7), pixel(8, 7));
        assertEquals(color(7), pixel(16, 7));
        assertEquals(0, pixel(17, 7));
    }

    @Test
    void lineCompareSplitsTheScreenAtAddressZero() {
        bios.putChar(0, 0, 'B', 0x07); // memory start: shown again below the split
        bios.crtc(0x0D, 80 * 5); // the top part starts at row 5 (low byte of 400)
        bios.crtc(0x0C, (80 * 5) >> 8);
        bios.crtc(0x18, 199); // split after scan line 199
        bios.crtc(0x11, 0x00);
        bios.crtc(0x07, 0x0f); // CRTC_03 overflow without line compare bit 8
        bios.crtc(0x09, 0x0f); // and without bit 9
        vga.refresh(0);
        assertEquals(0, pixel(0, 7));
        assertEquals(color(7), pixel(0, 200 + 7));
    }
}
