package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EncoderRoundTripTest {

    static final PixelFormat BGR_32_BIG =
            new PixelFormat(32, 24, true, true, 255, 255, 255, 0, 8, 16);
    static final PixelFormat HIGH_32 =
            new PixelFormat(32, 24, false, true, 255, 255, 255, 24, 16, 8);
    static final PixelFormat RGB_565 = new PixelFormat(16, 16, false, true, 31, 63, 31, 11, 5, 0);
    static final PixelFormat RGB_565_BIG =
            new PixelFormat(16, 16, true, true, 31, 63, 31, 11, 5, 0);
    static final PixelFormat RGB_332 = new PixelFormat(8, 8, false, true, 7, 7, 3, 5, 2, 0);
    static final PixelFormat FULL_32 =
            new PixelFormat(32, 32, false, true, 1023, 1023, 1023, 20, 10, 0);

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (PixelFormat pf :
                new PixelFormat[] {
                    PixelFormat.SERVER_DEFAULT,
                    BGR_32_BIG,
                    HIGH_32,
                    RGB_565,
                    RGB_565_BIG,
                    RGB_332,
                    FULL_32
                }) {
            for (String encoder : new String[] {"raw", "hextile", "zrle", "tight"}) {
                b.add(Arguments.of(encoder, pf));
            }
        }
        return b.build();
    }

    private static PixelEncoder encoder(String name) {
        return switch (name) {
            case "raw" -> new RawEncoder();
            case "hextile" -> new HextileEncoder();
            case "tight" -> new TightEncoder();
            default -> new ZrleEncoder();
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesToTheSourcePixels(String name, PixelFormat pf) {
        // Odd sizes leave partial tiles at the right and bottom edges.
        TestDisplay display = new TestDisplay(150, 97);
        display.paintTestPattern(42);
        PixelEncoder encoder = encoder(name);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            // Two rectangles through the same encoder: ZRLE's zlib stream must carry over.
            Rect[] rects = {new Rect(0, 0, 150, 97), new Rect(13, 40, 70, 33)};
            for (Rect r : rects) {
                int[] pixels = new int[r.width() * r.height()];
                display.read(r.x(), r.y(), r.width(), r.height(), pixels, 0, r.width());
                ByteBuf out = Unpooled.buffer();
                int count = encoder.encode(r, pixels, pf, out);
                int[] frame = new int[150 * 97];
                for (int i = 0; i < count; i++) {
                    int[] header = decoding.readRect(out, pf, frame, 150);
                    assertEquals(encoder.encoding(), header[4]);
                }
                assertEquals(0, out.readableBytes(), "bytes left after the rectangles");
                for (int y = r.y(); y < r.y() + r.height(); y++) {
                    for (int x = r.x(); x < r.x() + r.width(); x++) {
                        assertEquals(
                                pf.pack(display.pixel(x, y)),
                                frame[y * 150 + x],
                                name + " pixel at " + x + "," + y);
                    }
                }
                out.release();
            }
        } finally {
            if (encoder instanceof AutoCloseable c) closeQuietly(c);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void solidAndTwoColourAreasDecode(String name, PixelFormat pf) {
        TestDisplay display = new TestDisplay(40, 20);
        display.fill(0, 0, 40, 20, 0x2040a0);
        display.fill(3, 2, 5, 9, 0xffffff);
        display.fill(20, 0, 20, 20, 0xffffff);
        PixelEncoder encoder = encoder(name);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            int[] pixels = new int[40 * 20];
            display.read(0, 0, 40, 20, pixels, 0, 40);
            ByteBuf out = Unpooled.buffer();
            int count = encoder.encode(new Rect(0, 0, 40, 20), pixels, pf, out);
            int[] frame = new int[40 * 20];
            for (int i = 0; i < count; i++) decoding.readRect(out, pf, frame, 40);
            assertEquals(0, out.readableBytes(), "bytes left after the rectangles");
            for (int i = 0; i < frame.length; i++)
                assertEquals(pf.pack(pixels[i]), frame[i], "pixel " + i);
            out.release();
        } finally {
            if (encoder instanceof AutoCloseable c) closeQuietly(c);
        }
    }

    @Test
    void zlibLevelChangesBetweenRectanglesKeepTheStreamsDecodable() {
        TestDisplay display = new TestDisplay(150, 97);
        display.paintTestPattern(7);
        int[] pixels = new int[150 * 97];
        display.read(0, 0, 150, 97, pixels, 0, 150);
        Rect all = new Rect(0, 0, 150, 97);
        try (ZrleEncoder zrle = new ZrleEncoder();
                TightEncoder tight = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            for (int level : new int[] {1, 9, 0, 5, 9}) {
                zrle.configure(level);
                tight.configure(level, -1);
                for (PixelEncoder encoder : new PixelEncoder[] {zrle, tight}) {
                    ByteBuf out = Unpooled.buffer();
                    int count = encoder.encode(all, pixels, PixelFormat.SERVER_DEFAULT, out);
                    int[] frame = new int[150 * 97];
                    for (int i = 0; i < count; i++) {
                        decoding.readRect(out, PixelFormat.SERVER_DEFAULT, frame, 150);
                    }
                    assertEquals(0, out.readableBytes(), "bytes left at level " + level);
                    for (int i = 0; i < frame.length; i++) {
                        assertEquals(
                                PixelFormat.SERVER_DEFAULT.pack(pixels[i]),
                                frame[i],
                                encoder.getClass().getSimpleName() + " level " + level);
                    }
                    out.release();
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @org.junit.jupiter.api.Test
    void packScalesToTheMaxima() {
        assertEquals(0xf800, RGB_565.pack(0xff0000));
        assertEquals(0x07e0, RGB_565.pack(0x00ff00));
        assertEquals(0x001f, RGB_565.pack(0x0000ff));
        assertEquals(0xe0, RGB_332.pack(0xff0000));
        assertEquals(0x3ff00000, FULL_32.pack(0xff0000));
    }

    /** CopyRect, overlapping its source as a scrolled window does, decoded onto a shown frame. */
    @org.junit.jupiter.api.Test
    void copyRectMovesWhatTheClientShows() {
        TestDisplay display = new TestDisplay(64, 40);
        display.paintTestPattern(5);
        int[] frame = new int[64 * 40];
        display.read(0, 0, 64, 40, frame, 0, 64);
        int[] before = frame.clone();
        ByteBuf out = Unpooled.buffer();
        new CopyRectEncoder().encode(new Rect(10, 8, 30, 20), 14, 3, out);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            int[] header = decoding.readRect(out, PixelFormat.SERVER_DEFAULT, frame, 64);
            assertEquals(RfbEncoding.COPY_RECT, header[4]);
        }
        assertEquals(0, out.readableBytes());
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 64; x++) {
                boolean inside = x >= 10 && x < 40 && y >= 8 && y < 28;
                int expected = inside ? before[(y - 5) * 64 + x + 4] : before[y * 64 + x];
                assertEquals(expected, frame[y * 64 + x], "pixel " + x + "," + y);
            }
        }
        out.release();
    }
}
