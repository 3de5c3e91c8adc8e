package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small client-side decoder of Raw, Hextile and ZRLE written from RFC 6143, independent of the
 * encoders, to check them pixel for pixel. Pixels come out as values in the client's format.
 */
final class TestRfbDecoding implements AutoCloseable {
    private final Inflater inflater = new Inflater();

    /** Reads one rectangle header and body into {@code frame} (width {@code stride}). */
    int[] readRect(ByteBuf in, PixelFormat pf, int[] frame, int stride) {
        int x = in.readUnsignedShort();
        int y = in.readUnsignedShort();
        int w = in.readUnsignedShort();
        int h = in.readUnsignedShort();
        int encoding = in.readInt();
        switch (encoding) {
            case RfbEncoding.RAW -> {
                for (int row = 0; row < h; row++) {
                    for (int col = 0; col < w; col++) {
                        frame[(y + row) * stride + x + col] = readPixel(in, pf);
                    }
                }
            }
            case RfbEncoding.HEXTILE -> hextile(in, pf, frame, stride, x, y, w, h);
            case RfbEncoding.ZRLE -> zrle(in, pf, frame, stride, x, y, w, h);
            default -> fail("unexpected encoding " + encoding);
        }
        return new int[] {x, y, w, h, encoding};
    }

    static int readPixel(ByteBuf in, PixelFormat pf) {
        return switch (pf.bitsPerPixel()) {
            case 8 -> in.readUnsignedByte();
            case 16 -> pf.bigEndian() ? in.readUnsignedShort() : in.readUnsignedShortLE();
            default -> pf.bigEndian() ? in.readInt() : in.readIntLE();
        };
    }

    private static void hextile(
            ByteBuf in, PixelFormat pf, int[] frame, int stride, int x, int y, int w, int h) {
        int bg = 0;
        int fg = 0;
        for (int ty = y; ty < y + h; ty += 16) {
            for (int tx = x; tx < x + w; tx += 16) {
                int tw = Math.min(16, x + w - tx);
                int th = Math.min(16, y + h - ty);
                int mask = in.readUnsignedByte();
                if ((mask & 1) != 0) {
                    for (int r = 0; r < th; r++) {
                        for (int c = 0; c < tw; c++)
                            frame[(ty + r) * stride + tx + c] = readPixel(in, pf);
                    }
                    continue;
                }
                if ((mask & 2) != 0) bg = readPixel(in, pf);
                for (int r = 0; r < th; r++) {
                    for (int c = 0; c < tw; c++) frame[(ty + r) * stride + tx + c] = bg;
                }
                if ((mask & 4) != 0) fg = readPixel(in, pf);
                if ((mask & 8) != 0) {
                    int n = in.readUnsignedByte();
                    for (int i = 0; i < n; i++) {
                        int colour = (mask & 16) != 0 ? readPixel(in, pf) : fg;
                        int xy = in.readUnsignedByte();
                        int wh = in.readUnsignedByte();
                        int sx = xy >> 4, sy = xy & 15, sw = (wh >> 4) + 1, sh = (wh & 15) + 1;
                        if (sx + sw > tw || sy + sh > th) fail("subrect outside its tile");
                        for (int r = sy; r < sy + sh; r++) {
                            for (int c = sx; c < sx + sw; c++)
                                frame[(ty + r) * stride + tx + c] = colour;
                        }
                    }
                }
            }
        }
    }

    private void zrle(
            ByteBuf in, PixelFormat pf, int[] frame, int stride, int x, int y, int w, int h) {
        int length = in.readInt();
        byte[] compressed = new byte[length];
        in.readBytes(compressed);
        inflater.setInput(compressed);
        ByteBuf data = io.netty.buffer.Unpooled.buffer();
        byte[] chunk = new byte[65536];
        try {
            int n;
            while ((n = inflater.inflate(chunk)) > 0) data.writeBytes(chunk, 0, n);
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        }
        boolean three = pf.bitsPerPixel() == 32 && pf.depth() <= 24;
        int colourMask =
                pf.redMax() << pf.redShift()
                        | pf.greenMax() << pf.greenShift()
                        | pf.blueMax() << pf.blueShift();
        boolean low = three && (colourMask & 0xff000000) == 0;
        boolean high = three && !low && (colourMask & 0xff) == 0;
        for (int ty = y; ty < y + h; ty += 64) {
            for (int tx = x; tx < x + w; tx += 64) {
                int tw = Math.min(64, x + w - tx);
                int th = Math.min(64, y + h - ty);
                int[] tile = new int[tw * th];
                int sub = data.readUnsignedByte();
                int[] palette = new int[128];
                if (sub == 0) {
                    for (int i = 0; i < tile.length; i++) tile[i] = cpixel(data, pf, low, high);
                } else if (sub == 1) {
                    java.util.Arrays.fill(tile, cpixel(data, pf, low, high));
                } else if (sub <= 16) {
                    for (int i = 0; i < sub; i++) palette[i] = cpixel(data, pf, low, high);
                    int bits = sub <= 2 ? 1 : sub <= 4 ? 2 : 4;
                    for (int r = 0; r < th; r++) {
                        int acc = 0, left = 0;
                        for (int c = 0; c < tw; c++) {
                            if (left == 0) {
                                acc = data.readUnsignedByte();
                                left = 8;
                            }
                            left -= bits;
                            tile[r * tw + c] = palette[(acc >> left) & ((1 << bits) - 1)];
                        }
                    }
                } else if (sub == 128) {
                    for (int i = 0; i < tile.length; ) {
                        int c = cpixel(data, pf, low, high);
                        int run = runLength(data);
                        for (int k = 0; k < run; k++) tile[i++] = c;
                    }
                } else if (sub >= 130) {
                    int n = sub - 128;
                    for (int i = 0; i < n; i++) palette[i] = cpixel(data, pf, low, high);
                    for (int i = 0; i < tile.length; ) {
                        int index = data.readUnsignedByte();
                        int run = (index & 128) != 0 ? runLength(data) : 1;
                        for (int k = 0; k < run; k++) tile[i++] = palette[index & 127];
                    }
                } else {
                    fail("bad ZRLE subencoding " + sub);
                }
                for (int r = 0; r < th; r++) {
                    System.arraycopy(tile, r * tw, frame, (ty + r) * stride + tx, tw);
                }
            }
        }
        assertEquals(0, data.readableBytes(), "ZRLE data left over");
        data.release();
    }

    private static int runLength(ByteBuf data) {
        int run = 1;
        int b;
        do {
            b = data.readUnsignedByte();
            run += b;
        } while (b == 255);
        return run;
    }

    private static int cpixel(ByteBuf data, PixelFormat pf, boolean low, boolean high) {
        if (!low && !high) return readPixel(data, pf);
        int v = pf.bigEndian() ? data.readUnsignedMedium() : data.readUnsignedMediumLE();
        return high ? v << 8 : v;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
