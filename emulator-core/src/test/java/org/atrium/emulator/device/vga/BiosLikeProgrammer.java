package org.atrium.emulator.device.vga;

/**
 * Programs a {@link StdVga} through its ports and memory windows the way SeaVGABIOS does (the
 * register values below are the mode table values of SeaVGABIOS's standard VGA modes), so tests
 * exercise the same paths as the guest's BIOS without a CPU.
 */
final class BiosLikeProgrammer {
    static final int[] SEQU_03 = {0x00, 0x03, 0x00, 0x02};
    static final int[] CRTC_03 = {
        0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00,
        0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff
    };
    static final int[] ACTL_01 = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e,
        0x3f, 0x0c, 0x00, 0x0f, 0x08
    };
    static final int[] GRDC_01 = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff};

    static final int[] SEQU_0E = {0x01, 0x0f, 0x00, 0x06};
    static final int[] CRTC_11 = {
        0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff
    };
    static final int[] ACTL_10 = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e,
        0x3f, 0x01, 0x00, 0x0f, 0x00
    };
    static final int[] GRDC_0D = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff};

    static final int[] SEQU_13 = {0x01, 0x0f, 0x00, 0x0e};
    static final int[] CRTC_13 = {
        0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
    };
    static final int[] ACTL_13 = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
        0x0f, 0x41, 0x00, 0x0f, 0x00
    };
    static final int[] GRDC_13 = {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff};

    static final int[] SEQU_04 = {0x09, 0x03, 0x00, 0x02};
    static final int[] CRTC_04 = {
        0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff
    };
    static final int[] ACTL_04 = {
        0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
        0x17, 0x01, 0x00, 0x03, 0x00
    };
    static final int[] GRDC_04 = {0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0f, 0x0f, 0xff};

    static final int[] SEQU_06 = {0x01, 0x01, 0x00, 0x06};
    static final int[] CRTC_06 = {
        0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x00, 0x96, 0xb9, 0xc2, 0xff
    };
    static final int[] ACTL_06 = {
        0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17,
        0x17, 0x01, 0x00, 0x01, 0x00
    };
    static final int[] GRDC_06 = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x0f, 0xff};

    private final StdVga vga;

    BiosLikeProgrammer(StdVga vga) {
        this.vga = vga;
    }

    void out(int port, int value) {
        if (port >= 0x3C0 && port <= 0x3DF) {
            vga.vgaPorts().write(port - 0x3C0, 1, value);
        } else if (port >= 0x3B0 && port <= 0x3BF) {
            vga.monoPorts().write(port - 0x3B0, 1, value);
        } else {
            throw new IllegalArgumentException("not a VGA port: " + Integer.toHexString(port));
        }
    }

    /** A 16-bit OUT: index in the low byte, data in the high byte, as the BIOS does. */
    void outw(int port, int value) {
        vga.vgaPorts().write(port - 0x3C0, 2, value);
    }

    int in(int port) {
        if (port >= 0x3C0 && port <= 0x3DF) {
            return vga.vgaPorts().read(port - 0x3C0, 1);
        }
        return vga.monoPorts().read(port - 0x3B0, 1);
    }

    void seq(int index, int value) {
        outw(0x3C4, value << 8 | index);
    }

    void gc(int index, int value) {
        outw(0x3CE, value << 8 | index);
    }

    void crtc(int index, int value) {
        out(0x3D4, index);
        out(0x3D5, value);
    }

    void attr(int index, int value) {
        in(0x3DA);
        out(0x3C0, index);
        out(0x3C0, value);
    }

    void dac(int index, int r, int g, int b) {
        out(0x3C8, index);
        out(0x3C9, r);
        out(0x3C9, g);
        out(0x3C9, b);
    }

    /** SeaVGABIOS's 64-colour EGA palette ("palette2"): bits 0-2 2/3 intensity, bits 3-5 1/3. */
    static int[] ega64(int i) {
        int r = ((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15;
        int g = ((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15;
        int b = (i & 1) * 0x2a + ((i >> 3) & 1) * 0x15;
        return new int[] {r, g, b};
    }

    /** The 0x00RRGGBB a 6-bit DAC triple shows as. */
    static int rgb(int[] dac6) {
        int r = (dac6[0] << 2) | (dac6[0] >> 4);
        int g = (dac6[1] << 2) | (dac6[1] >> 4);
        int b = (dac6[2] << 2) | (dac6[2] >> 4);
        return r << 16 | g << 8 | b;
    }

    /** stdvga_set_mode's sequence: DAC, attribute, sequencer, GC, CRTC, misc, enable video. */
    void setMode(int[] sequ, int miscValue, int[] crtcValues, int[] actl, int[] grdc) {
        out(0x3C6, 0xFF);
        for (int i = 0; i < 256; i++) {
            int[] c = i < 64 ? ega64(i) : new int[3];
            dac(i, c[0], c[1], c[2]);
        }
        in(0x3DA);
        for (int i = 0; i <= 0x13; i++) {
            out(0x3C0, i);
            out(0x3C0, actl[i]);
        }
        out(0x3C0, 0x14);
        out(0x3C0, 0x00);
        seq(0, 0x03);
        for (int i = 1; i <= 4; i++) {
            seq(i, sequ[i - 1]);
        }
        for (int i = 0; i <= 8; i++) {
            gc(i, grdc[i]);
        }
        int crtcPort = (miscValue & 1) != 0 ? 0x3D4 : 0x3B4;
        out(crtcPort, 0x11);
        out(crtcPort + 1, 0x00);
        for (int i = 0; i <= 0x18; i++) {
            out(crtcPort, i);
            out(crtcPort + 1, crtcValues[i]);
        }
        out(0x3C2, miscValue);
        out(0x3C0, 0x20);
    }

    void setMode3() {
        setMode(SEQU_03, 0x67, CRTC_03, ACTL_01, GRDC_01);
        // clear_screen: 0x0720 words over the text page
        for (int i = 0; i < 0x8000; i += 2) {
            vga.legacyMemory().write(0x18000 + i, 2, 0x0720);
        }
    }

    void setMode12() {
        setMode(SEQU_0E, 0xe3, CRTC_11, ACTL_10, GRDC_0D);
    }

    void setMode4() {
        setMode(SEQU_04, 0x63, CRTC_04, ACTL_04, GRDC_04);
    }

    void setMode6() {
        setMode(SEQU_06, 0x63, CRTC_06, ACTL_06, GRDC_06);
    }

    void setMode13() {
        setMode(SEQU_13, 0x63, CRTC_13, ACTL_13, GRDC_13);
    }

    /** stdvga_load_font: open plane 2 at 0xA0000, copy glyphs 32 bytes apart, restore. */
    void loadGlyph(int ch, int[] rows) {
        outw(0x3C4, 0x0100);
        outw(0x3C4, 0x0402);
        outw(0x3C4, 0x0704);
        outw(0x3C4, 0x0300);
        outw(0x3CE, 0x0204);
        outw(0x3CE, 0x0005);
        outw(0x3CE, 0x0406);
        for (int i = 0; i < rows.length; i++) {
            vga.legacyMemory().write(ch * 32 + i, 1, rows[i]);
        }
        outw(0x3C4, 0x0100);
        outw(0x3C4, 0x0302);
        outw(0x3C4, 0x0304);
        outw(0x3C4, 0x0300);
        int v = (vga.vgaPorts().read(0x0C, 2) & 0x01) != 0 ? 0x0e : 0x0a;
        outw(0x3CE, v << 8 | 0x06);
        outw(0x3CE, 0x0004);
        outw(0x3CE, 0x1005);
    }

    /** Writes a character and attribute into the colour text page at row/column (80 columns). */
    void putChar(int row, int col, int ch, int attribute) {
        vga.legacyMemory().write(0x18000 + (row * 80 + col) * 2, 2, attribute << 8 | ch);
    }

    void dispi(int index, int value) {
        vga.dispiPorts().write(0, 2, index);
        vga.dispiPorts().write(1, 2, value);
    }

    int dispiRead(int index) {
        vga.dispiPorts().write(0, 2, index);
        return vga.dispiPorts().read(1, 2);
    }
}
