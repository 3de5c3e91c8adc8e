package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.Deflater;

/**
 * ZRLE encoding (RFC 6143 section 7.7.6): 64x64 tiles, each solid, packed palette, palette RLE,
 * plain RLE or raw (whichever is smallest), all through one zlib stream that lives as long as the
 * connection, at a zlib level that follows the client's compression level. One instance per client;
 * call {@link #close()} when the client goes.
 */
public final class ZrleEncoder implements PixelEncoder, AutoCloseable {
    private static final int TILE = 64;
    private static final int MAX_PALETTE = 127;

    private final Deflater deflater =
            new Deflater(TightEncoder.zlibLevel(TightEncoder.STREAM_PALETTE, 6));
    private int compressionLevel = 6;
    private final int[] tile = new int[TILE * TILE];
    private final int[] palette = new int[MAX_PALETTE];
    private final byte[] chunk = new byte[16 * 1024];

    @Override
    public int encoding() {
        return RfbEncoding.ZRLE;
    }

    /**
     * Follows the client's compression level (0..9). ZRLE's data is palette indices and runs, so it
     * gets the zlib level of Tight's palette stream: small data that a high level squeezes cheaply.
     */
    public void configure(int compressionLevel) {
        if (compressionLevel != this.compressionLevel) {
            deflater.setLevel(
                    TightEncoder.zlibLevel(TightEncoder.STREAM_PALETTE, compressionLevel));
            this.compressionLevel = compressionLevel;
        }
    }

    @Override
    public int encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out) {
        ByteBuf plain = Unpooled.buffer(rect.width() * rect.height() + 64);
        try {
            for (int ty = 0; ty < rect.height(); ty += TILE) {
                int th = Math.min(TILE, rect.height() - ty);
                for (int tx = 0; tx < rect.width(); tx += TILE) {
                    int tw = Math.min(TILE, rect.width() - tx);
                    for (int row = 0; row < th; row++) {
                        for (int col = 0; col < tw; col++) {
                            tile[row * tw + col] =
                                    format.pack(pixels[(ty + row) * rect.width() + tx + col]);
                        }
                    }
                    encodeTile(tw * th, tw, th, format, plain);
                }
            }
            RfbEncoding.writeHeader(
                    out, rect.x(), rect.y(), rect.width(), rect.height(), RfbEncoding.ZRLE);
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            deflater.setInput(plain.nioBuffer());
            int n;
            // SYNC_FLUSH ends each rectangle on a byte boundary the client can inflate fully. A
            // level change makes the first call only switch parameters, possibly writing nothing,
            // so the loop runs until all input is taken and no more output comes.
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.writeBytes(chunk, 0, n);
            } while (n > 0 || !deflater.needsInput());
            out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
            return 1;
        } finally {
            plain.release();
        }
    }

    private void encodeTile(int n, int tw, int th, PixelFormat format, ByteBuf out) {
        int cps = format.compressedPixelSize();
        int colours = 0;
        int runs = 0;
        int runLengthBytes = 0;
        int singles = 0;
        for (int i = 0; i < n; ) {
            int c = tile[i];
            int j = i + 1;
            while (j < n && tile[j] == c) j++;
            int len = j - i;
            runs++;
            runLengthBytes += (len - 1) / 255 + 1;
            if (len == 1) singles++;
            if (colours <= MAX_PALETTE && indexOf(c, colours) < 0) {
                if (colours < MAX_PALETTE) palette[colours] = c;
                colours++;
            }
            i = j;
        }
        if (colours == 1) {
            out.writeByte(1);
            format.writeCompressedPixel(out, tile[0]);
            return;
        }
        int raw = n * cps;
        int plainRle = runs * cps + runLengthBytes;
        int best = Math.min(raw, plainRle);
        int packed = Integer.MAX_VALUE;
        int paletteRle = Integer.MAX_VALUE;
        if (colours <= MAX_PALETTE) {
            // A run of one in palette RLE is a bare index; longer runs add their length bytes.
            paletteRle = colours * cps + runs + runLengthBytes - singles;
            if (colours <= 16) {
                int bits = colours <= 2 ? 1 : colours <= 4 ? 2 : 4;
                packed = colours * cps + th * ((tw * bits + 7) / 8);
            }
        }
        best = Math.min(best, Math.min(packed, paletteRle));
        if (best == packed) {
            writePacked(colours, tw, th, format, out);
        } else if (best == paletteRle) {
            writePaletteRle(colours, n, format, out);
        } else if (best == plainRle) {
            writePlainRle(n, format, out);
        } else {
            out.writeByte(0);
            for (int i = 0; i < n; i++) format.writeCompressedPixel(out, tile[i]);
        }
    }

    private void writePacked(int colours, int tw, int th, PixelFormat format, ByteBuf out) {
        out.writeByte(colours);
        for (int i = 0; i < colours; i++) format.writeCompressedPixel(out, palette[i]);
        int bits = colours <= 2 ? 1 : colours <= 4 ? 2 : 4;
        for (int y = 0; y < th; y++) {
            int acc = 0;
            int used = 0;
            for (int x = 0; x < tw; x++) {
                acc = acc << bits | indexOf(tile[y * tw + x], colours);
                used += bits;
                if (used == 8) {
                    out.writeByte(acc);
                    acc = 0;
                    used = 0;
                }
            }
            if (used > 0) out.writeByte(acc << (8 - used)); // rows end on a byte boundary
        }
    }

    private void writePaletteRle(int colours, int n, PixelFormat format, ByteBuf out) {
        out.writeByte(128 + colours);
        for (int i = 0; i < colours; i++) format.writeCompressedPixel(out, palette[i]);
        for (int i = 0; i < n; ) {
            int c = tile[i];
            int j = i + 1;
            while (j < n && tile[j] == c) j++;
            int index = indexOf(c, colours);
            if (j - i == 1) {
                out.writeByte(index);
            } else {
                out.writeByte(index | 128);
                writeRunLength(j - i, out);
            }
            i = j;
        }
    }

    private void writePlainRle(int n, PixelFormat format, ByteBuf out) {
        out.writeByte(128);
        for (int i = 0; i < n; ) {
            int c = tile[i];
            int j = i + 1;
            while (j < n && tile[j] == c) j++;
            format.writeCompressedPixel(out, c);
            writeRunLength(j - i, out);
            i = j;
        }
    }

    /** Run length minus one as bytes of 255 and a final byte below 255. */
    private static void writeRunLength(int length, ByteBuf out) {
        int rest = length - 1;
        while (rest >= 255) {
            out.writeByte(255);
            rest -= 255;
        }
        out.writeByte(rest);
    }

    private int indexOf(int colour, int colours) {
        int limit = Math.min(colours, MAX_PALETTE);
        for (int i = 0; i < limit; i++) if (palette[i] == colour) return i;
        return -1;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
