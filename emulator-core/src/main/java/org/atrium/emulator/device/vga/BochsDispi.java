package org.atrium.emulator.device.vga;

/**
 * The Bochs VBE "DISPI" register file (index port 0x1CE, data port 0x1CF) as documented by Bochs'
 * vbe_display_api and implemented by QEMU's std VGA: ID, XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH,
 * VIRT_HEIGHT, X_OFFSET, Y_OFFSET and VIDEO_MEMORY_64K.
 *
 * <p>Hostile values are handled as follows (Bochs refuses, QEMU clamps; we do both where each is
 * the safer): an unknown ID, a BPP other than 4/8/15/16/24/32, an XRES above {@value #MAX_XRES}, a
 * YRES above {@value #MAX_YRES} and a BANK past the end of video memory are refused (the register
 * keeps its value). The geometry actually displayed is then fixed up like QEMU does: XRES and
 * VIRT_WIDTH are rounded down to multiples of 8 and at least 8, VIRT_WIDTH is at least XRES and
 * small enough that one line fits in memory, YRES is cut so the picture fits, and offsets that
 * would read past the end of video memory are reset to 0. Reads of an unknown index return 0.
 */
final class BochsDispi {
    static final int INDEX_ID = 0;
    static final int INDEX_XRES = 1;
    static final int INDEX_YRES = 2;
    static final int INDEX_BPP = 3;
    static final int INDEX_ENABLE = 4;
    static final int INDEX_BANK = 5;
    static final int INDEX_VIRT_WIDTH = 6;
    static final int INDEX_VIRT_HEIGHT = 7;
    static final int INDEX_X_OFFSET = 8;
    static final int INDEX_Y_OFFSET = 9;
    static final int INDEX_VIDEO_MEMORY_64K = 10;

    static final int ID0 = 0xB0C0;
    static final int ID5 = 0xB0C5;
    static final int ENABLED = 0x01;
    static final int GETCAPS = 0x02;
    static final int DAC_8BIT = 0x20;
    static final int LFB_ENABLED = 0x40;
    static final int NOCLEARMEM = 0x80;

    /** Bochs' limits; they also bound the host surface (2560 x 1600 x 4 bytes). */
    static final int MAX_XRES = 2560;

    static final int MAX_YRES = 1600;
    static final int MAX_BPP = 32;

    private final int vramSize;
    private int index;
    private int id = ID5;
    private int xres = 640;
    private int yres = 480;
    private int bpp = 8;
    private int enable;
    private int bank;
    private int virtWidth;
    private int virtHeight;
    private int xOffset;
    private int yOffset;

    /** Effective geometry after fix-up: bytes per line and start byte in video memory. */
    private int lineLength;

    private int startAddress;

    BochsDispi(int vramSize) {
        this.vramSize = vramSize;
    }

    int readIndex() {
        return index;
    }

    void writeIndex(int value) {
        index = value & 0xFFFF;
    }

    int readData() {
        boolean caps = (enable & GETCAPS) != 0;
        return switch (index) {
            case INDEX_ID -> id;
            case INDEX_XRES -> caps ? MAX_XRES : xres;
            case INDEX_YRES -> caps ? MAX_YRES : yres;
            case INDEX_BPP -> caps ? MAX_BPP : bpp;
            case INDEX_ENABLE -> enable;
            case INDEX_BANK -> bank;
            case INDEX_VIRT_WIDTH -> virtWidth;
            case INDEX_VIRT_HEIGHT -> virtHeight;
            case INDEX_X_OFFSET -> xOffset;
            case INDEX_Y_OFFSET -> yOffset;
            case INDEX_VIDEO_MEMORY_64K -> vramSize >>> 16;
            default -> 0;
        };
    }

    /**
     * Writes the data register. Returns true when video memory must be cleared for a newly enabled
     * mode (the caller owns memory); {@link #clearLength()} says how much.
     */
    boolean writeData(int value) {
        int v = value & 0xFFFF;
        boolean clear = false;
        switch (index) {
            case INDEX_ID -> {
                if (v >= ID0 && v <= ID5) {
                    id = v;
                }
            }
            case INDEX_XRES -> {
                if (v <= MAX_XRES) {
                    xres = v;
                }
            }
            case INDEX_YRES -> {
                if (v <= MAX_YRES) {
                    yres = v;
                }
            }
            case INDEX_BPP -> {
                if (v == 4 || v == 8 || v == 15 || v == 16 || v == 24 || v == 32) {
                    bpp = v;
                }
            }
            case INDEX_ENABLE -> {
                boolean wasEnabled = enabled();
                enable = v;
                if (enabled() && !wasEnabled) {
                    // a new mode starts with a virtual screen the size of the visible one
                    virtWidth = xres;
                    xOffset = 0;
                    yOffset = 0;
                    bank = 0;
                    clear = (v & NOCLEARMEM) == 0;
                } else if (!enabled()) {
                    bank = 0;
                }
            }
            case INDEX_BANK -> {
                if ((long) v << 16 < vramSize) {
                    bank = v;
                }
            }
            case INDEX_VIRT_WIDTH -> virtWidth = v;
            case INDEX_X_OFFSET -> xOffset = v;
            case INDEX_Y_OFFSET -> yOffset = v;
            default -> {
                // VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only; unknown indexes are ignored
            }
        }
        fixUp();
        return clear;
    }

    StdVgaState.DispiState snapshot() {
        return new StdVgaState.DispiState(
                index, id, xres, yres, bpp, enable, bank, virtWidth, xOffset, yOffset);
    }

    /** Loads saved registers, then applies the same checks as guest writes. */
    void restore(StdVgaState.DispiState s) {
        index = s.index() & 0xFFFF;
        id = s.id() >= ID0 && s.id() <= ID5 ? s.id() : ID5;
        xres = Math.clamp(s.xres(), 0, MAX_XRES);
        yres = Math.clamp(s.yres(), 0, MAX_YRES);
        int b = s.bpp();
        bpp = b == 4 || b == 8 || b == 15 || b == 16 || b == 24 || b == 32 ? b : 8;
        enable = s.enable() & 0xFFFF;
        bank = (long) s.bank() << 16 < vramSize && s.bank() >= 0 ? s.bank() : 0;
        virtWidth = s.virtWidth() & 0xFFFF;
        xOffset = s.xOffset() & 0xFFFF;
        yOffset = s.yOffset() & 0xFFFF;
        fixUp();
    }

    boolean enabled() {
        return (enable & ENABLED) != 0;
    }

    boolean dac8Bit() {
        return enabled() && (enable & DAC_8BIT) != 0;
    }

    int bank() {
        return bank;
    }

    int bpp() {
        return bpp;
    }

    /** Bits of video memory per pixel (15 bpp occupies 16 bits). */
    int storageBits() {
        return bpp == 15 ? 16 : bpp;
    }

    int xres() {
        return xres;
    }

    int yres() {
        return yres;
    }

    int lineLength() {
        return lineLength;
    }

    int startAddress() {
        return startAddress;
    }

    int virtWidth() {
        return virtWidth;
    }

    int xOffset() {
        return xOffset;
    }

    int yOffset() {
        return yOffset;
    }

    int clearLength() {
        return (int) Math.min((long) lineLength * yres, vramSize);
    }

    /** Brings the registers into a displayable state after every write (QEMU's vbe_fixup_regs). */
    private void fixUp() {
        if (!enabled()) {
            return;
        }
        int bits = storageBits();
        xres &= ~7;
        if (xres == 0) {
            xres = 8;
        }
        virtWidth &= ~7;
        if (virtWidth > MAX_XRES) {
            virtWidth = MAX_XRES;
        }
        if (virtWidth < xres) {
            virtWidth = xres;
        }
        lineLength = virtWidth * bits / 8;
        int maxY = vramSize / lineLength;
        if (maxY == 0) {
            // not even one line fits: fall back to a visible-size line
            virtWidth = xres;
            lineLength = virtWidth * bits / 8;
            maxY = Math.max(1, vramSize / lineLength);
        }
        if (yres == 0) {
            yres = 1;
        }
        if (yres > maxY) {
            yres = maxY;
        }
        virtHeight = Math.min(maxY, 0xFFFF);
        if (xOffset > MAX_XRES) {
            xOffset = MAX_XRES;
        }
        if (yOffset > maxY) {
            yOffset = maxY;
        }
        long offset = (long) xOffset * bits / 8 + (long) yOffset * lineLength;
        long size = (long) yres * lineLength;
        if (offset + size > vramSize) {
            yOffset = 0;
            offset = (long) xOffset * bits / 8;
            if (offset + size > vramSize) {
                xOffset = 0;
                offset = 0;
            }
        }
        startAddress = (int) offset;
    }
}
