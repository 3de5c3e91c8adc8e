package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Tight encoding (community rfbproto "Tight Encoding", encoding 7): each rectangle is Fill (one
 * colour), JPEG (photo-like content, only when the client asked for a quality level), or Basic with
 * the Palette filter (2..16 colours, 1 bit per pixel for 2) or the Copy filter. Basic data under 12
 * bytes goes raw; longer data goes through one of four zlib streams that live as long as the
 * connection. Rectangles are split to Tight's limits (2048 pixels wide, 65536 pixels in all). Left
 * out: the Gradient filter, stream resets (the streams are never reset), and finding solid
 * sub-areas inside a rectangle. One instance per client; call {@link #close()} when it goes.
 */
public final class TightEncoder implements PixelEncoder, AutoCloseable {
    static final int MAX_WIDTH = 2048;
    static final int MAX_PIXELS = 65536;
    static final int MIN_TO_COMPRESS = 12;
    static final int FILL = 0x80;
    static final int JPEG = 0x90;
    static final int EXPLICIT_FILTER = 0x40;
    static final int FILTER_COPY = 0;
    static final int FILTER_PALETTE = 1;
    static final int STREAM_COPY = 0;
    static final int STREAM_TWO_COLOURS = 1;
    static final int STREAM_PALETTE = 2;
    private static final int MAX_PALETTE = 16;

    /** JPEG quality per RFB quality level 0..9 (the table TigerVNC uses). */
    private static final int[] JPEG_QUALITY = {15, 29, 41, 42, 62, 77, 79, 86, 92, 100};

    /** Below this many pixels JPEG's headers cost more than they save. */
    private static final int MIN_JPEG_PIXELS = 256;

    private final Deflater[] streams = new Deflater[4];
    private final int[] palette = new int[MAX_PALETTE];
    private final byte[] chunk = new byte[16 * 1024];
    private int compressionLevel = 6;
    private int qualityLevel = -1;

    public TightEncoder() {
        for (int i = 0; i < streams.length; i++) streams[i] = new Deflater(compressionLevel);
    }

    @Override
    public int encoding() {
        return RfbEncoding.TIGHT;
    }

    /**
     * Sets the zlib level (0..9) and the JPEG quality level (0..9, or -1 for lossless only) the
     * client asked for with the pseudo-encodings.
     */
    public void configure(int compressionLevel, int qualityLevel) {
        if (compressionLevel != this.compressionLevel) {
            // A level change keeps each stream going: the client's inflaters need no reset.
            for (Deflater d : streams) d.setLevel(compressionLevel);
            this.compressionLevel = compressionLevel;
        }
        this.qualityLevel = qualityLevel;
    }

    @Override
    public int rectangleCount(Rect rect) {
        int subWidth = Math.min(rect.width(), MAX_WIDTH);
        int subHeight = MAX_PIXELS / subWidth;
        int across = (rect.width() + subWidth - 1) / subWidth;
        int down = (rect.height() + subHeight - 1) / subHeight;
        return across * down;
    }

    @Override
    public void encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out) {
        int subWidth = Math.min(rect.width(), MAX_WIDTH);
        int subHeight = MAX_PIXELS / subWidth;
        for (int dy = 0; dy < rect.height(); dy += subHeight) {
            for (int dx = 0; dx < rect.width(); dx += subWidth) {
                int w = Math.min(subWidth, rect.width() - dx);
                int h = Math.min(subHeight, rect.height() - dy);
                int[] sub = new int[w * h];
                for (int row = 0; row < h; row++) {
                    System.arraycopy(pixels, (dy + row) * rect.width() + dx, sub, row * w, w);
                }
                encodeOne(new Rect(rect.x() + dx, rect.y() + dy, w, h), sub, format, out);
            }
        }
    }

    private void encodeOne(Rect rect, int[] rgb, PixelFormat format, ByteBuf out) {
        int n = rgb.length;
        int[] packed = new int[n];
        for (int i = 0; i < n; i++) packed[i] = format.pack(rgb[i]);
        int colours = countColours(packed);
        RfbEncoding.writeHeader(
                out, rect.x(), rect.y(), rect.width(), rect.height(), RfbEncoding.TIGHT);
        if (colours == 1) {
            out.writeByte(FILL);
            writeTightPixel(out, packed[0], format);
        } else if (colours <= MAX_PALETTE) {
            writePalette(rect, packed, colours, format, out);
        } else if (jpegAllowed(format) && n >= MIN_JPEG_PIXELS) {
            writeJpeg(rect, rgb, out);
        } else {
            out.writeByte(STREAM_COPY << 4);
            ByteBuf data = Unpooled.buffer(n * tightPixelSize(format));
            try {
                for (int p : packed) writeTightPixel(data, p, format);
                writeData(STREAM_COPY, data, out);
            } finally {
                data.release();
            }
        }
    }

    /** Distinct colours up to MAX_PALETTE + 1, the first ones kept in {@link #palette}. */
    private int countColours(int[] packed) {
        int colours = 0;
        for (int p : packed) {
            if (indexOf(p, colours) < 0) {
                if (colours == MAX_PALETTE) return MAX_PALETTE + 1;
                palette[colours++] = p;
            }
        }
        return colours;
    }

    private int indexOf(int colour, int colours) {
        for (int i = 0; i < colours; i++) if (palette[i] == colour) return i;
        return -1;
    }

    private void writePalette(
            Rect rect, int[] packed, int colours, PixelFormat format, ByteBuf out) {
        int stream = colours == 2 ? STREAM_TWO_COLOURS : STREAM_PALETTE;
        out.writeByte((stream << 4) | EXPLICIT_FILTER);
        out.writeByte(FILTER_PALETTE);
        out.writeByte(colours - 1);
        for (int i = 0; i < colours; i++) writeTightPixel(out, palette[i], format);
        int w = rect.width();
        ByteBuf data = Unpooled.buffer(packed.length);
        try {
            if (colours == 2) {
                // One bit per pixel, most significant first, each row padded to a byte.
                for (int y = 0; y < rect.height(); y++) {
                    int acc = 0;
                    int used = 0;
                    for (int x = 0; x < w; x++) {
                        acc = acc << 1 | (packed[y * w + x] == palette[0] ? 0 : 1);
                        if (++used == 8) {
                            data.writeByte(acc);
                            acc = 0;
                            used = 0;
                        }
                    }
                    if (used > 0) data.writeByte(acc << (8 - used));
                }
            } else {
                for (int p : packed) data.writeByte(indexOf(p, colours));
            }
            writeData(stream, data, out);
        } finally {
            data.release();
        }
    }

    /** Basic data: raw when short, else zlib'd through {@code stream} after a compact length. */
    private void writeData(int stream, ByteBuf data, ByteBuf out) {
        if (data.readableBytes() < MIN_TO_COMPRESS) {
            out.writeBytes(data);
            return;
        }
        Deflater deflater = streams[stream];
        deflater.setInput(data.nioBuffer());
        ByteBuf compressed = Unpooled.buffer(data.readableBytes() / 2 + 64);
        try {
            int k;
            // SYNC_FLUSH ends each rectangle on a byte boundary the client can inflate fully. A
            // level change makes the first call only switch parameters, possibly writing nothing,
            // so the loop runs until all input is taken and no more output comes.
            do {
                k = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                compressed.writeBytes(chunk, 0, k);
            } while (k > 0 || !deflater.needsInput());
            writeCompactLength(out, compressed.readableBytes());
            out.writeBytes(compressed);
        } finally {
            compressed.release();
        }
    }

    private boolean jpegAllowed(PixelFormat format) {
        return qualityLevel >= 0
                && format.trueColour()
                && (format.bitsPerPixel() == 16 || format.bitsPerPixel() == 32);
    }

    private void writeJpeg(Rect rect, int[] rgb, ByteBuf out) {
        BufferedImage image =
                new BufferedImage(rect.width(), rect.height(), BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, rect.width(), rect.height(), rgb, 0, rect.width());
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteBuf jpeg = Unpooled.buffer();
        try (ImageOutputStream ios =
                new MemoryCacheImageOutputStream(new ByteBufOutputStream(jpeg))) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY[qualityLevel] / 100f);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
            ios.flush();
            out.writeByte(JPEG);
            writeCompactLength(out, jpeg.readableBytes());
            out.writeBytes(jpeg);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
            jpeg.release();
        }
    }

    /** 1 to 3 bytes, 7 bits each, least significant first; the top bit says another follows. */
    static void writeCompactLength(ByteBuf out, int length) {
        if (length > 0x3fffff) throw new IllegalArgumentException("Tight length " + length);
        if (length < 0x80) {
            out.writeByte(length);
        } else if (length < 0x4000) {
            out.writeByte(length & 0x7f | 0x80).writeByte(length >> 7);
        } else {
            out.writeByte(length & 0x7f | 0x80)
                    .writeByte(length >> 7 & 0x7f | 0x80)
                    .writeByte(length >> 14);
        }
    }

    /** TPIXEL is 3 bytes R, G, B for 32 bpp true colour with 8-bit channels, else the PIXEL. */
    static boolean compactPixels(PixelFormat format) {
        return format.trueColour()
                && format.bitsPerPixel() == 32
                && format.depth() == 24
                && format.redMax() == 255
                && format.greenMax() == 255
                && format.blueMax() == 255;
    }

    static int tightPixelSize(PixelFormat format) {
        return compactPixels(format) ? 3 : format.bytesPerPixel();
    }

    private static void writeTightPixel(ByteBuf out, int value, PixelFormat format) {
        if (compactPixels(format)) {
            out.writeByte(value >>> format.redShift())
                    .writeByte(value >>> format.greenShift())
                    .writeByte(value >>> format.blueShift());
        } else {
            format.writePixel(out, value);
        }
    }

    @Override
    public void close() {
        for (Deflater d : streams) d.end();
    }
}
