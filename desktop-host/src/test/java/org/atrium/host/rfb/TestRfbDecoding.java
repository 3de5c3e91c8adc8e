package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small client-side decoder of Raw, Hextile and ZRLE written from RFC 6143, and of Tight written
 * from the community rfbproto document, independent of the encoders, to check them pixel for pixel.
 * Pixels come out as values in the client's format; Tight JPEG pixels are decoded with ImageIO and
 * packed into the client's format.
 */
final class TestRfbDecoding implements AutoCloseable {
    private final Inflater inflater = new Inflater();
    private final Inflater[] tightStreams = {
        new Inflater(), new Inflater(), new Inflater(), new Inflater()
    };

    /** Tight subencoding of the last rectangle: "fill", "jpeg", "copy", "palette" or "gradient". */
    String lastTightKind;

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
            case RfbEncoding.COPY_RECT -> {
                // The source is read whole before writing, as RFC 6143 section 7.7.2 allows
                // overlap.
                int sx = in.readUnsignedShort();
                int sy = in.readUnsignedShort();
                int[] copy = new int[w * h];
                for (int row = 0; row < h; row++)
                    System.arraycopy(frame, (sy + row) * stride + sx, copy, row * w, w);
                for (int row = 0; row < h; row++)
                    System.arraycopy(copy, row * w, frame, (y + row) * stride + x, w);
            }
            case RfbEncoding.HEXTILE -> hextile(in, pf, frame, stride, x, y, w, h);
            case RfbEncoding.ZRLE -> zrle(in, pf, frame, stride, x, y, w, h);
            case RfbEncoding.TIGHT -> tight(in, pf, frame, stride, x, y, w, h);
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

    private void tight(
            ByteBuf in, PixelFormat pf, int[] frame, int stride, int x, int y, int w, int h) {
        int control = in.readUnsignedByte();
        for (int i = 0; i < 4; i++) if ((control & (1 << i)) != 0) tightStreams[i].reset();
        int kind = control >> 4;
        if (kind == 8) {
            lastTightKind = "fill";
            int colour = tightPixel(in, pf);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) frame[(y + r) * stride + x + c] = colour;
            }
            return;
        }
        if (kind == 9) {
            lastTightKind = "jpeg";
            byte[] jpeg = new byte[compactLength(in)];
            in.readBytes(jpeg);
            try {
                java.awt.image.BufferedImage image =
                        javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
                assertEquals(w, image.getWidth(), "JPEG width");
                assertEquals(h, image.getHeight(), "JPEG height");
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < w; c++)
                        frame[(y + r) * stride + x + c] = pf.pack(image.getRGB(c, r) & 0xffffff);
                }
            } catch (java.io.IOException e) {
                fail("JPEG does not decode: " + e);
            }
            return;
        }
        if (kind > 7) fail("bad Tight control byte " + control);
        int stream = kind & 3;
        int filter = (kind & 4) != 0 ? in.readUnsignedByte() : 0;
        int[] palette = null;
        int dataLength;
        if (filter == 1) {
            lastTightKind = "palette";
            palette = new int[in.readUnsignedByte() + 1];
            for (int i = 0; i < palette.length; i++) palette[i] = tightPixel(in, pf);
            dataLength = palette.length == 2 ? (w + 7) / 8 * h : w * h;
        } else if (filter == 0) {
            lastTightKind = "copy";
            dataLength = w * h * tightPixelSize(pf);
        } else if (filter == 2) {
            lastTightKind = "gradient";
            if (!rgbTightPixels(pf)) fail("Gradient filter for a format without 3-byte TPIXELs");
            dataLength = w * h * 3;
        } else {
            fail("unexpected Tight filter " + filter);
            return;
        }
        ByteBuf data;
        if (dataLength < 12) {
            data = in.readRetainedSlice(dataLength);
        } else {
            byte[] compressed = new byte[compactLength(in)];
            in.readBytes(compressed);
            byte[] plain = new byte[dataLength];
            Inflater inf = tightStreams[stream];
            inf.setInput(compressed);
            try {
                int got = 0;
                while (got < dataLength) {
                    int k = inf.inflate(plain, got, dataLength - got);
                    if (k == 0) fail("Tight zlib data ended early at " + got);
                    got += k;
                }
            } catch (DataFormatException e) {
                fail("bad Tight zlib data: " + e);
            }
            assertEquals(0, inf.getRemaining(), "Tight zlib input left over");
            data = io.netty.buffer.Unpooled.wrappedBuffer(plain);
        }
        if (filter == 2) {
            gradient(data, pf, frame, stride, x, y, w, h);
            return;
        }
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int v;
                if (palette == null) {
                    v = tightPixel(data, pf);
                } else if (palette.length == 2) {
                    int b = data.getUnsignedByte(data.readerIndex() + r * ((w + 7) / 8) + c / 8);
                    v = palette[(b >> (7 - c % 8)) & 1];
                } else {
                    v = palette[data.readUnsignedByte()];
                }
                frame[(y + r) * stride + x + c] = v;
            }
        }
        if (palette != null && palette.length == 2) data.skipBytes((w + 7) / 8 * h);
        assertEquals(0, data.readableBytes(), "Tight data left over");
        data.release();
    }

    /**
     * Undoes the Gradient filter as rfbproto describes it: per channel, the value is the byte plus
     * the prediction left + upper - upper-left clamped to 0..255, modulo 256, where neighbours
     * outside the rectangle count as 0.
     */
    private static void gradient(
            ByteBuf data, PixelFormat pf, int[] frame, int stride, int x, int y, int w, int h) {
        int[][] rows = new int[2][w * 3];
        for (int r = 0; r < h; r++) {
            int[] row = rows[r & 1];
            int[] above = rows[(r + 1) & 1];
            for (int c = 0; c < w; c++) {
                for (int ch = 0; ch < 3; ch++) {
                    int left = c > 0 ? row[(c - 1) * 3 + ch] : 0;
                    int up = r > 0 ? above[c * 3 + ch] : 0;
                    int upLeft = r > 0 && c > 0 ? above[(c - 1) * 3 + ch] : 0;
                    int prediction = Math.max(0, Math.min(255, left + up - upLeft));
                    row[c * 3 + ch] = (data.readUnsignedByte() + prediction) & 0xff;
                }
                frame[(y + r) * stride + x + c] =
                        row[c * 3] << pf.redShift()
                                | row[c * 3 + 1] << pf.greenShift()
                                | row[c * 3 + 2] << pf.blueShift();
            }
        }
        assertEquals(0, data.readableBytes(), "Tight gradient data left over");
        data.release();
    }

    private static int compactLength(ByteBuf in) {
        int b = in.readUnsignedByte();
        int length = b & 0x7f;
        if ((b & 0x80) != 0) {
            b = in.readUnsignedByte();
            length |= (b & 0x7f) << 7;
            if ((b & 0x80) != 0) length |= in.readUnsignedByte() << 14;
        }
        return length;
    }

    private static boolean rgbTightPixels(PixelFormat pf) {
        return pf.bitsPerPixel() == 32
                && pf.depth() == 24
                && pf.redMax() == 255
                && pf.greenMax() == 255
                && pf.blueMax() == 255;
    }

    private static int tightPixelSize(PixelFormat pf) {
        return rgbTightPixels(pf) ? 3 : pf.bitsPerPixel() / 8;
    }

    private static int tightPixel(ByteBuf in, PixelFormat pf) {
        if (!rgbTightPixels(pf)) return readPixel(in, pf);
        int r = in.readUnsignedByte();
        int g = in.readUnsignedByte();
        int b = in.readUnsignedByte();
        return r << pf.redShift() | g << pf.greenShift() | b << pf.blueShift();
    }

    @Override
    public void close() {
        for (Inflater t : tightStreams) t.end();
        inflater.end();
    }
}
