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
 * Tight encoding (community rfbproto "Tight Encoding", encoding 7). A damaged rectangle is first
 * searched for solid areas, which go out as Fill rectangles; what is left is cut to Tight's limits
 * (2048 pixels wide, 65536 pixels in all) and each piece is sent as Fill (one colour), JPEG
 * (photo-like content, only when the client asked for a quality level), or Basic: the Palette
 * filter (2 colours at 1 bit per pixel, up to 256 at a byte per pixel, when that is smaller than
 * the pixels themselves), the Gradient filter (24-bit true colour with smooth content) or the Copy
 * filter. A piece with more than 256 colours is halved until palettes fit or pieces get small.
 * Basic data under 12 bytes goes raw; longer data goes through one of four zlib streams (copy, two
 * colours, palette, gradient) that live as long as the connection, at a zlib level taken from the
 * client's compression level. Left out: stream resets (never needed, the streams only grow their
 * dictionaries) and the Gradient filter for pixel formats other than 24-bit TPIXELs. One instance
 * per client; call {@link #close()} when it goes.
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
    static final int FILTER_GRADIENT = 2;
    static final int STREAM_COPY = 0;
    static final int STREAM_TWO_COLOURS = 1;
    static final int STREAM_PALETTE = 2;
    static final int STREAM_GRADIENT = 3;
    static final int MAX_PALETTE = 256;

    /** Up to this many colours a piece stays lossless even when JPEG is allowed. */
    private static final int MAX_LOSSLESS_WITH_JPEG = 16;

    /** Solid areas are looked for in areas of at least this many pixels... */
    private static final int MIN_SPLIT_PIXELS = 4096;

    /** ...and sent on their own from this many pixels, in tiles of this size. */
    private static final int MIN_SOLID_PIXELS = 2048;

    private static final int SOLID_TILE = 16;

    /** Pieces with too many colours for a palette are halved down to this many pixels. */
    private static final int MIN_HALVED_PIXELS = 2048;

    /** JPEG quality per RFB quality level 0..9 (the table TigerVNC uses). */
    private static final int[] JPEG_QUALITY = {15, 29, 41, 42, 62, 77, 79, 86, 92, 100};

    /** Below this many pixels JPEG's headers cost more than they save. */
    private static final int MIN_JPEG_PIXELS = 256;

    private final Deflater[] streams = new Deflater[4];
    private final ColourTable colours = new ColourTable();
    private final byte[] chunk = new byte[16 * 1024];
    private int compressionLevel = -1;
    private int qualityLevel = -1;

    // The rectangle being encoded: its pixels packed in the client's format, row by row.
    private int[] packed;
    private int[] rgb;
    private int stride;
    private int originX;
    private int originY;
    private PixelFormat format;
    private ByteBuf out;
    private int written;

    public TightEncoder() {
        for (int i = 0; i < streams.length; i++) streams[i] = new Deflater(6);
        configure(6, -1);
    }

    @Override
    public int encoding() {
        return RfbEncoding.TIGHT;
    }

    /**
     * Sets the compression level (0..9) and the JPEG quality level (0..9, or -1 for lossless only)
     * the client asked for with the pseudo-encodings.
     */
    public void configure(int compressionLevel, int qualityLevel) {
        if (compressionLevel != this.compressionLevel) {
            // A level change keeps each stream going: the client's inflaters need no reset.
            for (int i = 0; i < streams.length; i++) {
                streams[i].setLevel(zlibLevel(i, compressionLevel));
            }
            this.compressionLevel = compressionLevel;
        }
        this.qualityLevel = qualityLevel;
    }

    /**
     * The zlib level of a stream for an RFB compression level. Palette indices and 1-bit data are
     * small and compress fast, so they get a high level early; true-colour data is the bulk and
     * follows the client's level more closely.
     */
    static int zlibLevel(int stream, int compressionLevel) {
        int level = Math.clamp(compressionLevel, 0, 9);
        if (level == 0) return 1;
        return switch (stream) {
            case STREAM_TWO_COLOURS, STREAM_PALETTE -> Math.min(9, level + 4);
            default -> Math.min(9, level + 1);
        };
    }

    @Override
    public int encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out) {
        int n = rect.width() * rect.height();
        this.packed = new int[n];
        for (int i = 0; i < n; i++) packed[i] = format.pack(pixels[i]);
        this.rgb = pixels;
        this.stride = rect.width();
        this.originX = rect.x();
        this.originY = rect.y();
        this.format = format;
        this.out = out;
        this.written = 0;
        try {
            encodeArea(0, 0, rect.width(), rect.height());
            return written;
        } finally {
            this.packed = null;
            this.rgb = null;
            this.out = null;
        }
    }

    /** Sends the first large solid area found as Fill, then what is left around it. */
    private void encodeArea(int x, int y, int w, int h) {
        if (w <= 0 || h <= 0) return;
        if (w * h >= MIN_SPLIT_PIXELS) {
            int[] solid = findSolidArea(x, y, w, h);
            if (solid != null) {
                int sx = solid[0], sy = solid[1], sw = solid[2], sh = solid[3];
                writeFills(sx, sy, sw, sh, packed[sy * stride + sx]);
                encodeArea(x, y, w, sy - y);
                encodeArea(x, sy, sx - x, sh);
                encodeArea(sx + sw, sy, x + w - sx - sw, sh);
                encodeArea(x, sy + sh, w, y + h - sy - sh);
                return;
            }
        }
        int pieceWidth = Math.min(w, MAX_WIDTH);
        int pieceHeight = Math.max(1, MAX_PIXELS / pieceWidth);
        for (int dy = 0; dy < h; dy += pieceHeight) {
            for (int dx = 0; dx < w; dx += pieceWidth) {
                encodePiece(
                        x + dx,
                        y + dy,
                        Math.min(pieceWidth, w - dx),
                        Math.min(pieceHeight, h - dy));
            }
        }
    }

    /**
     * Scans SOLID_TILE tiles for the first one of a single colour that grows, tile by tile right
     * and down and then pixel by pixel in every direction, to at least MIN_SOLID_PIXELS; returns
     * {x, y, w, h} or null.
     */
    private int[] findSolidArea(int x, int y, int w, int h) {
        for (int ty = y; ty < y + h; ty += SOLID_TILE) {
            int th = Math.min(SOLID_TILE, y + h - ty);
            for (int tx = x; tx < x + w; tx += SOLID_TILE) {
                int tw = Math.min(SOLID_TILE, x + w - tx);
                int colour = packed[ty * stride + tx];
                if (!solid(tx, ty, tw, th, colour)) continue;
                int bestW = 0;
                int bestH = 0;
                int limit = x + w - tx;
                for (int dy = ty; dy < y + h; dy += SOLID_TILE) {
                    int dh = Math.min(SOLID_TILE, y + h - dy);
                    int run = 0;
                    while (run < limit) {
                        int cw = Math.min(SOLID_TILE, limit - run);
                        if (!solid(tx + run, dy, cw, dh, colour)) break;
                        run += cw;
                    }
                    if (run == 0) break;
                    limit = run;
                    if (run * (dy + dh - ty) > bestW * bestH) {
                        bestW = run;
                        bestH = dy + dh - ty;
                    }
                }
                int sx = tx, sy = ty, sw = bestW, sh = bestH;
                while (sy > y && solid(sx, sy - 1, sw, 1, colour)) {
                    sy--;
                    sh++;
                }
                while (sy + sh < y + h && solid(sx, sy + sh, sw, 1, colour)) sh++;
                while (sx > x && solid(sx - 1, sy, 1, sh, colour)) {
                    sx--;
                    sw++;
                }
                while (sx + sw < x + w && solid(sx + sw, sy, 1, sh, colour)) sw++;
                if (sw * sh >= MIN_SOLID_PIXELS) return new int[] {sx, sy, sw, sh};
            }
        }
        return null;
    }

    private boolean solid(int x, int y, int w, int h, int colour) {
        for (int row = y; row < y + h; row++) {
            int at = row * stride + x;
            for (int i = at; i < at + w; i++) if (packed[i] != colour) return false;
        }
        return true;
    }

    /** One Fill per piece within Tight's limits. */
    private void writeFills(int x, int y, int w, int h, int colour) {
        int pieceWidth = Math.min(w, MAX_WIDTH);
        int pieceHeight = Math.max(1, MAX_PIXELS / pieceWidth);
        for (int dy = 0; dy < h; dy += pieceHeight) {
            for (int dx = 0; dx < w; dx += pieceWidth) {
                header(x + dx, y + dy, Math.min(pieceWidth, w - dx), Math.min(pieceHeight, h - dy));
                out.writeByte(FILL);
                writeTightPixel(out, colour, format);
            }
        }
    }

    private void header(int x, int y, int w, int h) {
        RfbEncoding.writeHeader(out, originX + x, originY + y, w, h, RfbEncoding.TIGHT);
        written++;
    }

    /** One piece within Tight's limits: the cheapest of the subencodings that fit it. */
    private void encodePiece(int x, int y, int w, int h) {
        int n = w * h;
        int count = countColours(x, y, w, h, MAX_PALETTE);
        boolean jpeg = jpegAllowed() && n >= MIN_JPEG_PIXELS;
        int pixelSize = tightPixelSize(format);
        if (count == 1) {
            header(x, y, w, h);
            out.writeByte(FILL);
            writeTightPixel(out, packed[y * stride + x], format);
        } else if (jpeg && count > MAX_LOSSLESS_WITH_JPEG) {
            writeJpeg(x, y, w, h);
        } else if (count == 2 || (count <= MAX_PALETTE && count * pixelSize + n < n * pixelSize)) {
            writePalette(x, y, w, h, count);
        } else if (count > MAX_PALETTE && n >= 2 * MIN_HALVED_PIXELS) {
            // Halves may fit a palette; the longer side is cut so pieces stay compact.
            if (w >= h) {
                encodePiece(x, y, w / 2, h);
                encodePiece(x + w / 2, y, w - w / 2, h);
            } else {
                encodePiece(x, y, w, h / 2);
                encodePiece(x, y + h / 2, w, h - h / 2);
            }
        } else if (compactPixels(format) && n >= MIN_JPEG_PIXELS && smooth(x, y, w, h)) {
            writeGradient(x, y, w, h);
        } else {
            header(x, y, w, h);
            out.writeByte(STREAM_COPY << 4);
            ByteBuf data = Unpooled.buffer(n * pixelSize);
            try {
                for (int row = y; row < y + h; row++) {
                    for (int i = row * stride + x; i < row * stride + x + w; i++) {
                        writeTightPixel(data, packed[i], format);
                    }
                }
                writeData(STREAM_COPY, data);
            } finally {
                data.release();
            }
        }
    }

    /** Distinct colours of an area, up to {@code limit} + 1, kept in {@link #colours}. */
    private int countColours(int x, int y, int w, int h, int limit) {
        colours.clear();
        for (int row = y; row < y + h; row++) {
            int at = row * stride + x;
            for (int i = at; i < at + w; i++) {
                if (colours.add(packed[i]) && colours.size() > limit) return limit + 1;
            }
        }
        return colours.size();
    }

    private void writePalette(int x, int y, int w, int h, int count) {
        int stream = count == 2 ? STREAM_TWO_COLOURS : STREAM_PALETTE;
        header(x, y, w, h);
        out.writeByte((stream << 4) | EXPLICIT_FILTER);
        out.writeByte(FILTER_PALETTE);
        out.writeByte(count - 1);
        for (int i = 0; i < count; i++) writeTightPixel(out, colours.colour(i), format);
        ByteBuf data = Unpooled.buffer(count == 2 ? (w + 7) / 8 * h : w * h);
        try {
            if (count == 2) {
                int second = colours.colour(1);
                // One bit per pixel, most significant first, each row padded to a byte.
                for (int row = y; row < y + h; row++) {
                    int acc = 0;
                    int used = 0;
                    for (int i = row * stride + x; i < row * stride + x + w; i++) {
                        acc = acc << 1 | (packed[i] == second ? 1 : 0);
                        if (++used == 8) {
                            data.writeByte(acc);
                            acc = 0;
                            used = 0;
                        }
                    }
                    if (used > 0) data.writeByte(acc << (8 - used));
                }
            } else {
                for (int row = y; row < y + h; row++) {
                    for (int i = row * stride + x; i < row * stride + x + w; i++) {
                        data.writeByte(colours.indexOf(packed[i]));
                    }
                }
            }
            writeData(stream, data);
        } finally {
            data.release();
        }
    }

    /**
     * Whether the Gradient filter pays: on a sample of rows, the prediction's mean error per
     * channel against the mean step between neighbours that plain bytes show to zlib.
     */
    private boolean smooth(int x, int y, int w, int h) {
        long predicted = 0;
        long stepped = 0;
        for (int row = y + 1; row < y + h; row += 4) {
            for (int i = row * stride + x + 1; i < row * stride + x + w; i++) {
                for (int shift = 0; shift < 24; shift += 8) {
                    int v = packed[i] >>> shift & 0xff;
                    int left = packed[i - 1] >>> shift & 0xff;
                    int up = packed[i - stride] >>> shift & 0xff;
                    int upLeft = packed[i - stride - 1] >>> shift & 0xff;
                    predicted += Math.abs(v - Math.clamp(left + up - upLeft, 0, 255));
                    stepped += Math.abs(v - left);
                }
            }
        }
        return predicted < stepped;
    }

    /**
     * Gradient filter (rfbproto "Tight Encoding", GradientFilter): each channel goes as its
     * difference, modulo 256, from left + upper − upper-left clamped to 0..255, with pixels outside
     * the rectangle taken as 0.
     */
    private void writeGradient(int x, int y, int w, int h) {
        header(x, y, w, h);
        out.writeByte((STREAM_GRADIENT << 4) | EXPLICIT_FILTER);
        out.writeByte(FILTER_GRADIENT);
        ByteBuf data = Unpooled.buffer(w * h * 3);
        int[] shifts = {format.redShift(), format.greenShift(), format.blueShift()};
        try {
            for (int row = 0; row < h; row++) {
                int at = (y + row) * stride + x;
                for (int col = 0; col < w; col++) {
                    int i = at + col;
                    for (int shift : shifts) {
                        int left = col > 0 ? packed[i - 1] >>> shift & 0xff : 0;
                        int up = row > 0 ? packed[i - stride] >>> shift & 0xff : 0;
                        int upLeft =
                                row > 0 && col > 0 ? packed[i - stride - 1] >>> shift & 0xff : 0;
                        int prediction = Math.clamp(left + up - upLeft, 0, 255);
                        data.writeByte((packed[i] >>> shift) - prediction);
                    }
                }
            }
            writeData(STREAM_GRADIENT, data);
        } finally {
            data.release();
        }
    }

    /** Basic data: raw when short, else zlib'd through {@code stream} after a compact length. */
    private void writeData(int stream, ByteBuf data) {
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

    private boolean jpegAllowed() {
        return qualityLevel >= 0
                && format.trueColour()
                && (format.bitsPerPixel() == 16 || format.bitsPerPixel() == 32);
    }

    private void writeJpeg(int x, int y, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, rgb, y * stride + x, stride);
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
            header(x, y, w, h);
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

    /**
     * The distinct colours of one piece in the order first seen, with their palette indices: an
     * open-addressing table sized for MAX_PALETTE + 1 entries, cleared by a generation count.
     */
    static final class ColourTable {
        private static final int SLOTS = 1024;
        private final int[] keys = new int[SLOTS];
        private final int[] index = new int[SLOTS];
        private final int[] generation = new int[SLOTS];
        private final int[] order = new int[MAX_PALETTE + 1];
        private int current = 1;
        private int size;

        void clear() {
            current++;
            size = 0;
        }

        int size() {
            return size;
        }

        int colour(int i) {
            return order[i];
        }

        /** Adds a colour; true if it was new. Callers stop adding after MAX_PALETTE + 1. */
        boolean add(int colour) {
            int slot = slot(colour);
            if (generation[slot] == current) return false;
            generation[slot] = current;
            keys[slot] = colour;
            index[slot] = size;
            order[size++] = colour;
            return true;
        }

        int indexOf(int colour) {
            int slot = slot(colour);
            return generation[slot] == current ? index[slot] : -1;
        }

        private int slot(int colour) {
            int slot = (colour * 0x9E3779B1) >>> 22;
            while (generation[slot] == current && keys[slot] != colour) {
                slot = (slot + 1) & (SLOTS - 1);
            }
            return slot;
        }
    }
}
