package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/**
 * Hextile encoding (RFC 6143 section 7.7.4): 16x16 tiles, each solid, background plus subrectangles
 * of one or several colours, or raw when that is smaller. Subrectangles are found greedily (grow
 * right, then down), which is not minimal but never wrong.
 */
public final class HextileEncoder implements PixelEncoder {
    static final int RAW = 1;
    static final int BACKGROUND_SPECIFIED = 2;
    static final int FOREGROUND_SPECIFIED = 4;
    static final int ANY_SUBRECTS = 8;
    static final int SUBRECTS_COLOURED = 16;

    private static final int TILE = 16;

    private final int[] tile = new int[TILE * TILE];
    private final boolean[] covered = new boolean[TILE * TILE];
    private final int[] subrects = new int[TILE * TILE * 3];

    @Override
    public int encoding() {
        return RfbEncoding.HEXTILE;
    }

    @Override
    public int encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out) {
        RfbEncoding.writeHeader(
                out, rect.x(), rect.y(), rect.width(), rect.height(), RfbEncoding.HEXTILE);
        // Background and foreground carry over from tile to tile within one rectangle only.
        Integer background = null;
        Integer foreground = null;
        int bpp = format.bytesPerPixel();
        for (int ty = 0; ty < rect.height(); ty += TILE) {
            int th = Math.min(TILE, rect.height() - ty);
            for (int tx = 0; tx < rect.width(); tx += TILE) {
                int tw = Math.min(TILE, rect.width() - tx);
                int n = tw * th;
                for (int row = 0; row < th; row++) {
                    for (int col = 0; col < tw; col++) {
                        tile[row * tw + col] =
                                format.pack(pixels[(ty + row) * rect.width() + tx + col]);
                    }
                }
                int bg = mostFrequent(n);
                int count = findSubrects(tw, th, bg);
                boolean twoColours = count >= 0 && singleColour(count);
                int subrectBytes =
                        count < 0 ? Integer.MAX_VALUE : count * (twoColours ? 2 : 2 + bpp);
                if (count < 0 || subrectBytes + 2 * bpp + 2 > n * bpp) {
                    out.writeByte(RAW);
                    for (int i = 0; i < n; i++) format.writePixel(out, tile[i]);
                    background = null;
                    foreground = null;
                    continue;
                }
                int flags = 0;
                if (background == null || background != bg) flags |= BACKGROUND_SPECIFIED;
                int fg = count > 0 ? subrects[0] : 0;
                if (count > 0) {
                    flags |= ANY_SUBRECTS;
                    if (twoColours) {
                        if (foreground == null || foreground != fg) flags |= FOREGROUND_SPECIFIED;
                    } else {
                        flags |= SUBRECTS_COLOURED;
                    }
                }
                out.writeByte(flags);
                if ((flags & BACKGROUND_SPECIFIED) != 0) format.writePixel(out, bg);
                if ((flags & FOREGROUND_SPECIFIED) != 0) format.writePixel(out, fg);
                background = bg;
                if (count > 0) {
                    out.writeByte(count);
                    for (int i = 0; i < count; i++) {
                        int pos = subrects[i * 3 + 1];
                        if (!twoColours) format.writePixel(out, subrects[i * 3]);
                        out.writeByte(pos);
                        out.writeByte(subrects[i * 3 + 2]);
                    }
                    // Decoders disagree on the foreground after coloured subrects: re-send it.
                    foreground = twoColours ? fg : null;
                }
            }
        }
        return 1;
    }

    private int mostFrequent(int n) {
        // Tiles are small: a quadratic count over at most 256 pixels is cheap enough.
        int best = tile[0];
        int bestCount = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && tile[i] == tile[i - 1]) continue;
            int c = 0;
            for (int j = 0; j < n; j++) if (tile[j] == tile[i]) c++;
            if (c > bestCount) {
                bestCount = c;
                best = tile[i];
            }
            if (c * 2 > n) break;
        }
        return best;
    }

    /** Fills {@link #subrects} with (colour, xy, wh) triples; -1 when over 255 are needed. */
    private int findSubrects(int tw, int th, int bg) {
        java.util.Arrays.fill(covered, 0, tw * th, false);
        int count = 0;
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                int c = tile[y * tw + x];
                if (c == bg || covered[y * tw + x]) continue;
                int w = 1;
                while (x + w < tw && tile[y * tw + x + w] == c && !covered[y * tw + x + w]) w++;
                int h = 1;
                grow:
                while (y + h < th) {
                    for (int i = 0; i < w; i++) {
                        int p = (y + h) * tw + x + i;
                        if (tile[p] != c || covered[p]) break grow;
                    }
                    h++;
                }
                for (int yy = y; yy < y + h; yy++) {
                    for (int xx = x; xx < x + w; xx++) covered[yy * tw + xx] = true;
                }
                if (count == 255) return -1;
                subrects[count * 3] = c;
                subrects[count * 3 + 1] = x << 4 | y;
                subrects[count * 3 + 2] = (w - 1) << 4 | (h - 1);
                count++;
            }
        }
        return count;
    }

    private boolean singleColour(int count) {
        for (int i = 1; i < count; i++) if (subrects[i * 3] != subrects[0]) return false;
        return true;
    }
}
