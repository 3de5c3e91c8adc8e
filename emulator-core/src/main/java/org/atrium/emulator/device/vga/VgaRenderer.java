package org.atrium.emulator.device.vga;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Turns the state of a {@link StdVga} into pixels the way the VGA's CRT controller, attribute
 * controller and DAC scan video memory: alphanumeric modes (8 or 9 dot cells, font in plane 2,
 * blink, cursor, underline, preset row scan, byte and pel panning, split screen), 16-colour planar
 * and CGA-interleaved graphics, 256-colour modes, and Bochs VBE packed and 4-bpp modes.
 *
 * <p>Only lines (graphics) or character rows (text) whose video memory or inputs changed are
 * rendered; {@link VgaSurface#updateRow} then keeps only tiles whose pixels differ as damage. A
 * surface without listeners is not drawn at all, only kept at the right size.
 */
final class VgaRenderer {
    /** Largest picture we produce; larger CRTC settings are cropped. */
    static final int MAX_WIDTH = BochsDispi.MAX_XRES;

    static final int MAX_HEIGHT = BochsDispi.MAX_YRES;

    enum Kind {
        BLANK,
        TEXT,
        PLANAR,
        CGA_INTERLEAVED,
        VGA256,
        VBE_PACKED,
        VBE_PLANAR
    }

    /** What the adapter shows: the kind of scan and the picture size in pixels. */
    record Layout(Kind kind, int width, int height) {}

    private final StdVga vga;
    private final VgaSurface surface = new VgaSurface(720, 400);
    private final int[] line = new int[MAX_WIDTH * 2 + 64];
    private final int[] palette16 = new int[16];
    private final int[] palette256 = new int[256];
    private final int[] addresses = new int[MAX_WIDTH + 8];
    private Layout layout = new Layout(Kind.BLANK, 720, 400);
    private int[] textShadow = new int[0];
    private int[] textParams = new int[0];
    private boolean[] slotDirty = new boolean[0];
    // Set while no listener watched: the surface's pixels were dropped and must all be drawn again.
    private boolean stale = true;

    VgaRenderer(StdVga vga) {
        this.vga = vga;
    }

    VgaSurface surface() {
        return surface;
    }

    void render(long virtualNanos) {
        Layout next = computeLayout();
        if (!surface.watched()) {
            // Nobody looks: keep the size current (it is reported before anyone subscribes), drop
            // the pixels, and draw everything again for the next listener.
            if (next.width() != surface.width() || next.height() != surface.height()) {
                surface.resize(next.width(), next.height());
            }
            surface.release();
            layout = next;
            stale = true;
            return;
        }
        boolean full = vga.fullRedraw || stale;
        stale = false;
        if (next.width() != surface.width() || next.height() != surface.height()) {
            surface.resize(next.width(), next.height());
            full = true;
        }
        if (next.kind() != layout.kind()) {
            full = true;
        }
        layout = next;
        buildPalettes();
        switch (next.kind()) {
            case BLANK -> renderBlank(full);
            case TEXT -> renderText(full, virtualNanos);
            case PLANAR, CGA_INTERLEAVED, VGA256 -> renderVgaGraphics(full);
            case VBE_PACKED -> renderVbePacked(full);
            case VBE_PLANAR -> renderVbePlanar(full);
        }
    }

    private Layout computeLayout() {
        int[] crtc = vga.crtc;
        int[] seq = vga.seq;
        BochsDispi dispi = vga.dispi;
        int keepW = Math.max(1, surface.width());
        int keepH = Math.max(1, surface.height());
        if (dispi.enabled()) {
            Kind kind = dispi.bpp() == 4 ? Kind.VBE_PLANAR : Kind.VBE_PACKED;
            return new Layout(
                    kind,
                    Math.min(dispi.xres(), MAX_WIDTH),
                    Math.max(1, Math.min(dispi.yres(), MAX_HEIGHT)));
        }
        if ((vga.attrIndex & 0x20) == 0 || (seq[1] & 0x20) != 0) {
            return new Layout(Kind.BLANK, keepW, keepH);
        }
        int chars = crtc[1] + 1;
        int dotDouble = (seq[1] & 0x08) != 0 ? 2 : 1;
        int height = verticalDisplayEnd() + 1;
        boolean graphics = (vga.gc[6] & 1) != 0;
        int width;
        Kind kind;
        if (!graphics) {
            width = chars * ((seq[1] & 1) != 0 ? 8 : 9) * dotDouble;
            kind = Kind.TEXT;
        } else {
            width = chars * 8 * dotDouble;
            if ((vga.gc[5] & 0x40) != 0) {
                kind = Kind.VGA256;
            } else if ((vga.gc[5] & 0x20) != 0) {
                kind = Kind.CGA_INTERLEAVED;
            } else {
                kind = Kind.PLANAR;
            }
        }
        return new Layout(kind, Math.min(width, MAX_WIDTH), Math.min(height, MAX_HEIGHT));
    }

    private int verticalDisplayEnd() {
        int[] crtc = vga.crtc;
        return crtc[0x12] | (crtc[7] & 0x02) << 7 | (crtc[7] & 0x40) << 3;
    }

    private int lineCompare() {
        int[] crtc = vga.crtc;
        return crtc[0x18] | (crtc[7] & 0x10) << 4 | (crtc[9] & 0x40) << 3;
    }

    // ---------------------------------------------------------------- colours

    private int dacColor(int index) {
        int base = (index & 0xFF) * 3;
        int r = vga.dac[base];
        int g = vga.dac[base + 1];
        int b = vga.dac[base + 2];
        if (!vga.dispi.dac8Bit()) {
            // 6-bit DAC values widened so that 0x3F becomes 0xFF
            r = (r << 2) | (r >>> 4);
            g = (g << 2) | (g >>> 4);
            b = (b << 2) | (b >>> 4);
        }
        return (r & 0xFF) << 16 | (g & 0xFF) << 8 | (b & 0xFF);
    }

    /** Attribute-controller path for 4-bit colours: plane enable, palette, colour select, DAC. */
    private void buildPalettes() {
        int[] attr = vga.attr;
        for (int i = 0; i < 16; i++) {
            int c = i & attr[0x12] & 0x0F;
            int p = attr[c] & 0x3F;
            if ((attr[0x10] & 0x80) != 0) {
                p = (p & 0x0F) | (attr[0x14] & 0x03) << 4;
            }
            p |= (attr[0x14] & 0x0C) << 4;
            palette16[i] = dacColor(p & vga.pelMask);
        }
        for (int i = 0; i < 256; i++) {
            palette256[i] = dacColor(i & vga.pelMask);
        }
    }

    // ---------------------------------------------------------------- blank

    private void renderBlank(boolean full) {
        if (!full) {
            return;
        }
        int w = surface.width();
        Arrays.fill(line, 0, w, 0);
        for (int y = 0; y < surface.height(); y++) {
            surface.updateRow(y, 0, line, 0, w);
        }
    }

    // ---------------------------------------------------------------- text

    /**
     * Memory address the CRTC fetches for address counter {@code counter} on row scan line {@code
     * rowScan}: dword/word/byte mode and the CGA/Hercules substitution of MA13/MA14 (CR17 bits
     * 0-1).
     */
    private int crtcAddress(int counter, int rowScan) {
        int[] crtc = vga.crtc;
        int m;
        if ((crtc[0x14] & 0x40) != 0) {
            m = counter << 2;
        } else if ((crtc[0x17] & 0x40) == 0) {
            int wrapBit = (crtc[0x17] & 0x20) != 0 ? 15 : 13;
            m = (counter << 1) | ((counter >>> wrapBit) & 1);
        } else {
            m = counter;
        }
        if ((crtc[0x17] & 0x01) == 0) {
            m = (m & ~0x2000) | (rowScan & 1) << 13;
        }
        if ((crtc[0x17] & 0x02) == 0) {
            m = (m & ~0x4000) | ((rowScan >>> 1) & 1) << 14;
        }
        return m & 0xFFFF;
    }

    private void renderText(boolean full, long virtualNanos) {
        int[] crtc = vga.crtc;
        int[] attr = vga.attr;
        MemorySegment vram = vga.vram;
        int width = layout.width();
        int height = layout.height();
        int cols = crtc[1] + 1;
        int charWidth = (vga.seq[1] & 1) != 0 ? 8 : 9;
        int dotDouble = (vga.seq[1] & 0x08) != 0 ? 2 : 1;
        int cellHeight = (crtc[9] & 0x1F) + 1;
        int scanDouble = (crtc[9] & 0x80) != 0 ? 2 : 1;
        int presetRowScan = crtc[8] & 0x1F;
        int bytePanning = (crtc[8] >>> 5) & 3;
        int start = crtc[0x0C] << 8 | crtc[0x0D];
        int offset = crtc[0x13] * 2;
        int cursorAt = crtc[0x0E] << 8 | crtc[0x0F];
        int cursorStart = crtc[0x0A] & 0x1F;
        int cursorEnd = crtc[0x0B] & 0x1F;
        boolean cursorEnabled = (crtc[0x0A] & 0x20) == 0 && cursorStart <= cursorEnd;
        long frame = Math.floorDiv(virtualNanos, VgaTiming.FRAME_NANOS);
        // the cursor blinks every 16 frames, blinking characters every 32 (IBM VGA reference)
        boolean cursorShown = ((frame >>> 3) & 1) == 0;
        boolean blinkShown = ((frame >>> 4) & 1) == 0;
        boolean blinkMode = (attr[0x10] & 0x08) != 0;
        boolean lineGraphics = (attr[0x10] & 0x04) != 0;
        boolean monoUnderline = (attr[0x10] & 0x02) != 0;
        // in 9-dot text a pel panning value of 8 means no shift and 0-7 shift by 1-8 dots
        int pan = attr[0x13] & 0x0F;
        int panDots = charWidth == 9 ? (pan >= 8 ? 0 : pan + 1) : pan & 7;
        boolean splitPans = (attr[0x10] & 0x20) == 0;
        int underline = crtc[0x14] & 0x1F;
        int sr3 = vga.seq[3];
        int fontA = fontBase((sr3 >>> 3 & 0x04) | (sr3 >>> 2 & 0x03));
        int fontB = fontBase((sr3 >>> 2 & 0x04) | (sr3 & 0x03));

        // character rows ("slots"): those above the line compare, then those of the split screen
        int topLines = Math.min(height, lineCompare() + 1);
        int topRows =
                topLines > 0 ? ((topLines - 1) / scanDouble + presetRowScan) / cellHeight + 1 : 0;
        int splitLines = height - topLines;
        int splitRows = splitLines > 0 ? ((splitLines - 1) / scanDouble) / cellHeight + 1 : 0;
        int slots = topRows + splitRows;
        int fetch = cols + 1; // one more cell is shifted in by pel panning

        int[] params = {
            cols,
            charWidth,
            dotDouble,
            cellHeight,
            scanDouble,
            start,
            offset,
            crtc[0x17],
            crtc[0x14],
            crtc[0x0A],
            crtc[0x0B],
            crtc[0x08],
            topLines,
            panDots
        };
        if (!Arrays.equals(params, textParams) || textShadow.length != slots * fetch) {
            textParams = params;
            textShadow = new int[slots * fetch];
            full = true;
        }
        if (vga.fontDirty) {
            full = true;
        }
        if (slotDirty.length < slots) {
            slotDirty = new boolean[slots];
        }
        for (int slot = 0; slot < slots; slot++) {
            int base =
                    slot < topRows
                            ? start + bytePanning + slot * offset
                            : (slot - topRows) * offset;
            boolean dirty = full;
            for (int c = 0; c < fetch; c++) {
                int counter = (base + c) & 0xFFFF;
                int m = crtcAddress(counter, 0);
                int ch = vram.get(JAVA_BYTE, m << 2) & 0xFF;
                int at = vram.get(JAVA_BYTE, (m << 2) | 1) & 0xFF;
                boolean cursorHere = cursorEnabled && cursorShown && counter == cursorAt;
                boolean hidden = blinkMode && (at & 0x80) != 0 && !blinkShown;
                // bit 18 marks a filled entry so a fresh shadow never matches
                int key =
                        ch
                                | at << 8
                                | (cursorHere ? 1 << 16 : 0)
                                | (hidden ? 1 << 17 : 0)
                                | 1 << 18;
                if (textShadow[slot * fetch + c] != key) {
                    textShadow[slot * fetch + c] = key;
                    dirty = true;
                }
            }
            slotDirty[slot] = dirty;
        }
        int cellPixels = charWidth * dotDouble;
        for (int y = 0; y < height; y++) {
            int slot;
            int glyphLine;
            int shift;
            if (y < topLines) {
                int logical = y / scanDouble + presetRowScan;
                slot = logical / cellHeight;
                glyphLine = logical % cellHeight;
                shift = panDots;
            } else {
                int logical = (y - topLines) / scanDouble;
                slot = topRows + logical / cellHeight;
                glyphLine = logical % cellHeight;
                shift = splitPans ? panDots : 0;
            }
            if (!slotDirty[slot]) {
                continue;
            }
            int cells = Math.min(shift > 0 ? fetch : cols, (line.length / cellPixels));
            for (int c = 0; c < cells; c++) {
                int x0 = c * cellPixels;
                if (x0 >= width + shift * dotDouble) {
                    break;
                }
                int key = textShadow[slot * fetch + c];
                int ch = key & 0xFF;
                int at = (key >>> 8) & 0xFF;
                boolean cursorHere = (key & (1 << 16)) != 0;
                boolean hidden = (key & (1 << 17)) != 0;
                int fg = at & 0x0F;
                int bg = blinkMode ? (at >>> 4) & 0x07 : (at >>> 4) & 0x0F;
                int font = (at & 0x08) != 0 ? fontA : fontB;
                int glyph =
                        glyphLine < 32
                                ? vram.get(JAVA_BYTE, ((font + ch * 32 + glyphLine) << 2) | 2)
                                        & 0xFF
                                : 0;
                if (monoUnderline && glyphLine == underline && (at & 0x07) == 0x01) {
                    glyph = 0xFF;
                }
                if (hidden) {
                    glyph = 0;
                }
                if (cursorHere && glyphLine >= cursorStart && glyphLine <= cursorEnd) {
                    glyph = 0xFF;
                }
                int fgColor = palette16[fg];
                int bgColor = palette16[bg];
                int x = x0;
                for (int d = 0; d < charWidth; d++) {
                    boolean on;
                    if (d < 8) {
                        on = (glyph & (0x80 >>> d)) != 0;
                    } else {
                        // the ninth dot repeats the eighth only for line-drawing characters
                        on = lineGraphics && ch >= 0xC0 && ch <= 0xDF && (glyph & 1) != 0;
                    }
                    int color = on ? fgColor : bgColor;
                    for (int k = 0; k < dotDouble; k++) {
                        line[x++] = color;
                    }
                }
            }
            surface.updateRow(y, 0, line, shift * dotDouble, Math.min(width, cols * cellPixels));
        }
    }

    /** Plane-2 offset of character map {@code n} (Sequencer register 3 encoding). */
    private static int fontBase(int n) {
        return (n & 0x03) * 0x4000 + (n >>> 2) * 0x2000;
    }

    // ---------------------------------------------------------------- VGA graphics

    private void renderVgaGraphics(boolean full) {
        int[] crtc = vga.crtc;
        MemorySegment vram = vga.vram;
        int width = layout.width();
        int height = layout.height();
        int chars = crtc[1] + 1;
        int cellHeight = (crtc[9] & 0x1F) + 1;
        int scanDouble = (crtc[9] & 0x80) != 0 ? 2 : 1;
        int start = crtc[0x0C] << 8 | crtc[0x0D];
        int offset = crtc[0x13] * 2;
        int lineCompare = lineCompare();
        int dotDouble = (vga.seq[1] & 0x08) != 0 ? 2 : 1;
        Kind kind = layout.kind();
        int pan = kind == Kind.PLANAR ? vga.attr[0x13] & 0x07 : 0;
        int fetch = Math.min(chars + (pan != 0 ? 1 : 0), MAX_WIDTH / 8 + 1);
        for (int y = 0; y < height; y++) {
            int scan = y;
            int base = start;
            if (y > lineCompare) {
                // split screen: the lower part starts again at address 0
                scan = y - lineCompare - 1;
                base = 0;
            }
            int logical = scan / scanDouble;
            int row = logical / cellHeight;
            int rowScan = logical % cellHeight;
            int counter = base + row * offset;
            boolean dirty = full;
            for (int i = 0; i < fetch; i++) {
                int m = crtcAddress((counter + i) & 0xFFFF, rowScan);
                addresses[i] = m;
                if (!dirty && vga.anyDirty(m << 2, (m << 2) + 4)) {
                    dirty = true;
                }
            }
            if (!dirty) {
                continue;
            }
            int x = 0;
            for (int i = 0; i < fetch; i++) {
                int m4 = addresses[i] << 2;
                int p0 = vram.get(JAVA_BYTE, m4) & 0xFF;
                int p1 = vram.get(JAVA_BYTE, m4 | 1) & 0xFF;
                int p2 = vram.get(JAVA_BYTE, m4 | 2) & 0xFF;
                int p3 = vram.get(JAVA_BYTE, m4 | 3) & 0xFF;
                switch (kind) {
                    case VGA256 -> {
                        x = put(x, palette256[p0], 2 * dotDouble);
                        x = put(x, palette256[p1], 2 * dotDouble);
                        x = put(x, palette256[p2], 2 * dotDouble);
                        x = put(x, palette256[p3], 2 * dotDouble);
                    }
                    case CGA_INTERLEAVED -> {
                        for (int k = 0; k < 4; k++) {
                            int shift = 6 - 2 * k;
                            x =
                                    put(
                                            x,
                                            palette16[
                                                    (p0 >>> shift) & 3 | ((p2 >>> shift) & 3) << 2],
                                            dotDouble);
                        }
                        for (int k = 0; k < 4; k++) {
                            int shift = 6 - 2 * k;
                            x =
                                    put(
                                            x,
                                            palette16[
                                                    (p1 >>> shift) & 3 | ((p3 >>> shift) & 3) << 2],
                                            dotDouble);
                        }
                    }
                    default -> {
                        for (int k = 7; k >= 0; k--) {
                            int index =
                                    (p0 >>> k & 1)
                                            | (p1 >>> k & 1) << 1
                                            | (p2 >>> k & 1) << 2
                                            | (p3 >>> k & 1) << 3;
                            x = put(x, palette16[index], dotDouble);
                        }
                    }
                }
            }
            surface.updateRow(y, 0, line, pan * dotDouble, Math.min(width, x - pan * dotDouble));
        }
    }

    private int put(int x, int color, int times) {
        for (int k = 0; k < times; k++) {
            line[x++] = color;
        }
        return x;
    }

    // ---------------------------------------------------------------- Bochs VBE

    private void renderVbePacked(boolean full) {
        BochsDispi dispi = vga.dispi;
        MemorySegment vram = vga.vram;
        int vramBytes = vga.vramBytes;
        int width = layout.width();
        int height = layout.height();
        int bytesPerPixel = (dispi.storageBits() + 7) / 8;
        int bpp = dispi.bpp();
        int lineLength = dispi.lineLength();
        for (int y = 0; y < height; y++) {
            long from = dispi.startAddress() + (long) y * lineLength;
            long to = from + (long) width * bytesPerPixel;
            if (to > vramBytes) {
                // fix-up keeps the picture inside memory; anything else shows black
                Arrays.fill(line, 0, width, 0);
                surface.updateRow(y, 0, line, 0, width);
                continue;
            }
            int a = (int) from;
            if (!full && !vga.anyDirty(a, (int) to)) {
                continue;
            }
            for (int x = 0; x < width; x++) {
                int color;
                switch (bpp) {
                    case 8 -> color = palette256[vram.get(JAVA_BYTE, a) & 0xFF];
                    case 15 -> {
                        int v =
                                (vram.get(JAVA_BYTE, a) & 0xFF)
                                        | (vram.get(JAVA_BYTE, a + 1) & 0xFF) << 8;
                        color = expand5(v >>> 10) << 16 | expand5(v >>> 5) << 8 | expand5(v);
                    }
                    case 16 -> {
                        int v =
                                (vram.get(JAVA_BYTE, a) & 0xFF)
                                        | (vram.get(JAVA_BYTE, a + 1) & 0xFF) << 8;
                        color = expand5(v >>> 11) << 16 | expand6(v >>> 5) << 8 | expand5(v);
                    }
                    default ->
                            color =
                                    (vram.get(JAVA_BYTE, a + 2) & 0xFF) << 16
                                            | (vram.get(JAVA_BYTE, a + 1) & 0xFF) << 8
                                            | (vram.get(JAVA_BYTE, a) & 0xFF);
                }
                line[x] = color;
                a += bytesPerPixel;
            }
            surface.updateRow(y, 0, line, 0, width);
        }
    }

    private static int expand5(int v) {
        v &= 0x1F;
        return (v << 3) | (v >>> 2);
    }

    private static int expand6(int v) {
        v &= 0x3F;
        return (v << 2) | (v >>> 4);
    }

    /** VBE 4-bpp modes scan the planes in byte mode with the DISPI geometry. */
    private void renderVbePlanar(boolean full) {
        BochsDispi dispi = vga.dispi;
        MemorySegment vram = vga.vram;
        int vramBytes = vga.vramBytes;
        int width = layout.width();
        int height = layout.height();
        int stride = dispi.virtWidth() / 8;
        int base = dispi.yOffset() * stride + dispi.xOffset() / 8;
        int bytes = (width + 7) / 8;
        // each plane is a quarter of video memory; the scan wraps inside it
        int planeSize = vramBytes >>> 2;
        for (int y = 0; y < height; y++) {
            int counter = base + y * stride;
            boolean dirty = full;
            for (int i = 0; i < bytes && !dirty; i++) {
                int m = (counter + i) % planeSize;
                dirty = vga.anyDirty(m << 2, (m << 2) + 4);
            }
            if (!dirty) {
                continue;
            }
            int x = 0;
            for (int i = 0; i < bytes; i++) {
                int m4 = ((counter + i) % planeSize) << 2;
                for (int k = 7; k >= 0; k--) {
                    int index =
                            (vram.get(JAVA_BYTE, m4) >>> k & 1)
                                    | (vram.get(JAVA_BYTE, m4 | 1) >>> k & 1) << 1
                                    | (vram.get(JAVA_BYTE, m4 | 2) >>> k & 1) << 2
                                    | (vram.get(JAVA_BYTE, m4 | 3) >>> k & 1) << 3;
                    line[x++] = palette16[index];
                }
            }
            surface.updateRow(y, 0, line, 0, width);
        }
    }
}
