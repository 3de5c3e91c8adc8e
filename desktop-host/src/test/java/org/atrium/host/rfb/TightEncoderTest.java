package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tight's subencodings, splitting and JPEG, decoded by the independent test-side decoder. */
class TightEncoderTest {

    static Stream<PixelFormat> formats() {
        return Stream.of(
                PixelFormat.SERVER_DEFAULT,
                EncoderRoundTripTest.BGR_32_BIG,
                EncoderRoundTripTest.HIGH_32,
                EncoderRoundTripTest.RGB_565,
                EncoderRoundTripTest.RGB_565_BIG,
                EncoderRoundTripTest.RGB_332,
                EncoderRoundTripTest.FULL_32);
    }

    /** Encodes {@code rect} of {@code display} and decodes every rectangle it was split into. */
    private static int[] roundTrip(
            TightEncoder encoder,
            TestRfbDecoding decoding,
            TestDisplay display,
            Rect r,
            PixelFormat pf) {
        int[] pixels = new int[r.width() * r.height()];
        display.read(r.x(), r.y(), r.width(), r.height(), pixels, 0, r.width());
        ByteBuf out = Unpooled.buffer();
        int count = encoder.encode(r, pixels, pf, out);
        int[] frame = new int[display.width() * display.height()];
        for (int i = 0; i < count; i++) {
            int[] header = decoding.readRect(out, pf, frame, display.width());
            assertEquals(RfbEncoding.TIGHT, header[4]);
            assertTrue(header[2] <= 2048 && header[2] * header[3] <= 65536, "Tight's limits");
            assertTrue(r.contains(new Rect(header[0], header[1], header[2], header[3])), "inside");
        }
        assertEquals(0, out.readableBytes(), "bytes left after the rectangles");
        out.release();
        return frame;
    }

    private static void assertLossless(TestDisplay display, Rect r, PixelFormat pf, int[] frame) {
        for (int y = r.y(); y < r.y() + r.height(); y++) {
            for (int x = r.x(); x < r.x() + r.width(); x++) {
                assertEquals(
                        pf.pack(display.pixel(x, y)),
                        frame[y * display.width() + x],
                        "pixel at " + x + "," + y);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void fillPalettesAndCopyDecodeExactly(PixelFormat pf) {
        TestDisplay display = new TestDisplay(120, 40);
        display.fill(0, 0, 20, 20, 0x2040a0); // solid
        for (int y = 0; y < 20; y++) {
            for (int x = 20; x < 57; x++) display.set(x, y, (x + y) % 3 == 0 ? 0xffffff : 0); // 2
            for (int x = 60; x < 80; x++) {
                display.set(x, y, new int[] {0xff0000, 0xff00, 0xff, 0xffff00, 0x808080}[x % 5]);
            }
        }
        display.paintTestPattern(3);
        // paintTestPattern covered everything: repaint the structured areas on top of it.
        display.fill(0, 0, 20, 20, 0x2040a0);
        for (int y = 0; y < 20; y++) {
            for (int x = 20; x < 57; x++) display.set(x, y, (x + y) % 3 == 0 ? 0xffffff : 0);
            for (int x = 60; x < 80; x++) {
                display.set(x, y, new int[] {0xff0000, 0xff00, 0xff, 0xffff00, 0x808080}[x % 5]);
            }
        }
        display.fill(90, 0, 2, 2, 0x123456);
        display.set(91, 1, 0x654321); // 2 colours, 4 pixels: data under 12 bytes, no zlib
        record Case(Rect rect, String kind) {}
        Case[] cases = {
            new Case(new Rect(0, 0, 20, 20), "fill"),
            new Case(new Rect(20, 0, 37, 20), "palette"),
            // Five colours: a byte per pixel is a saving unless the pixels are bytes already.
            new Case(new Rect(60, 0, 20, 20), pf.bitsPerPixel() == 8 ? "copy" : "palette"),
            new Case(new Rect(90, 0, 2, 2), "palette"),
            new Case(new Rect(80, 10, 40, 10), "copy"),
            new Case(new Rect(20, 3, 37, 11), "palette"), // again: the stream carries over
        };
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            for (Case c : cases) {
                int[] frame = roundTrip(encoder, decoding, display, c.rect(), pf);
                assertEquals(c.kind(), decoding.lastTightKind, c.rect().toString());
                assertLossless(display, c.rect(), pf, frame);
            }
        }
    }

    @Test
    void wideAndLargeRectanglesAreSplitToTightsLimits() {
        TestDisplay display = new TestDisplay(2100, 300);
        display.paintTestPattern(11);
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            Rect wide = new Rect(0, 0, 2100, 20);
            assertLossless(
                    display,
                    wide,
                    PixelFormat.SERVER_DEFAULT,
                    roundTrip(encoder, decoding, display, wide, PixelFormat.SERVER_DEFAULT));
            Rect whole = new Rect(0, 0, 2100, 300);
            assertLossless(
                    display,
                    whole,
                    RgbFormats.RGB_565,
                    roundTrip(encoder, decoding, display, whole, RgbFormats.RGB_565));
        }
    }

    @Test
    void compactLengthUsesSevenBitsPerByte() {
        int[][] cases = {
            {0, 0x00},
            {127, 0x7f},
            {128, 0x80, 0x01},
            {16383, 0xff, 0x7f},
            {16384, 0x80, 0x80, 0x01},
            {0x3fffff, 0xff, 0xff, 0xff}
        };
        for (int[] c : cases) {
            ByteBuf out = Unpooled.buffer();
            TightEncoder.writeCompactLength(out, c[0]);
            byte[] expected = new byte[c.length - 1];
            for (int i = 1; i < c.length; i++) expected[i - 1] = (byte) c[i];
            assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(out), "length " + c[0]);
        }
    }

    /** A smooth photo-like picture with more than 16 colours. */
    private static TestDisplay photo() {
        TestDisplay display = new TestDisplay(96, 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                display.set(
                        x, y, (x * 255 / 95) << 16 | (y * 255 / 63) << 8 | ((x + y) * 255 / 158));
            }
        }
        return display;
    }

    private static int channel(int value, int max, int shift) {
        return ((value >>> shift) & max) * 255 / max;
    }

    /**
     * JPEG is lossy: each channel, scaled to 0..255, may differ from the source by at most 12 on a
     * smooth gradient at quality level 6 (JPEG quality 79), plus the rounding of a 5- or 6-bit
     * channel (255/31 ≈ 8) for 16 bpp.
     */
    @ParameterizedTest
    @MethodSource("jpegFormats")
    void jpegWhenAQualityLevelIsAskedFor(PixelFormat pf) {
        TestDisplay display = photo();
        Rect all = new Rect(0, 0, 96, 64);
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            encoder.configure(2, 6);
            int[] frame = roundTrip(encoder, decoding, display, all, pf);
            assertEquals("jpeg", decoding.lastTightKind);
            int tolerance = 12 + (pf.bitsPerPixel() == 16 ? 9 : 0);
            int worst = 0;
            for (int i = 0; i < frame.length; i++) {
                int expected = pf.pack(display.pixel(i % 96, i / 96));
                int[][] ch = {
                    {pf.redMax(), pf.redShift()},
                    {pf.greenMax(), pf.greenShift()},
                    {pf.blueMax(), pf.blueShift()}
                };
                for (int[] c : ch) {
                    int d = Math.abs(channel(frame[i], c[0], c[1]) - channel(expected, c[0], c[1]));
                    worst = Math.max(worst, d);
                }
            }
            assertTrue(worst <= tolerance, "worst channel error " + worst);
            // Few colours stay lossless even with a quality level.
            display.fill(0, 0, 96, 64, 0);
            display.fill(10, 10, 30, 5, 0xffffff);
            frame = roundTrip(encoder, decoding, display, all, pf);
            assertEquals("palette", decoding.lastTightKind);
            assertLossless(display, all, pf, frame);
        }
    }

    static Stream<PixelFormat> jpegFormats() {
        return Stream.of(
                PixelFormat.SERVER_DEFAULT,
                EncoderRoundTripTest.BGR_32_BIG,
                EncoderRoundTripTest.RGB_565);
    }

    @Test
    void noJpegWithoutAQualityLevelOrAt8Bpp() {
        TestDisplay display = photo();
        Rect all = new Rect(0, 0, 96, 64);
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            int[] frame = roundTrip(encoder, decoding, display, all, PixelFormat.SERVER_DEFAULT);
            assertEquals("gradient", decoding.lastTightKind);
            assertLossless(display, all, PixelFormat.SERVER_DEFAULT, frame);
            encoder.configure(9, 9);
            frame = roundTrip(encoder, decoding, display, all, EncoderRoundTripTest.RGB_332);
            assertEquals("copy", decoding.lastTightKind);
            assertLossless(display, all, EncoderRoundTripTest.RGB_332, frame);
        }
    }

    /** Encodes {@code r} and returns, per subencoding, how many pixels it covered. */
    private static Map<String, Integer> kinds(
            TightEncoder encoder, TestRfbDecoding decoding, TestDisplay display, Rect r) {
        int[] pixels = new int[r.width() * r.height()];
        display.read(r.x(), r.y(), r.width(), r.height(), pixels, 0, r.width());
        ByteBuf out = Unpooled.buffer();
        int count = encoder.encode(r, pixels, PixelFormat.SERVER_DEFAULT, out);
        int[] frame = new int[display.width() * display.height()];
        Map<String, Integer> kinds = new TreeMap<>();
        int covered = 0;
        for (int i = 0; i < count; i++) {
            int[] h = decoding.readRect(out, PixelFormat.SERVER_DEFAULT, frame, display.width());
            kinds.merge(decoding.lastTightKind, h[2] * h[3], Integer::sum);
            covered += h[2] * h[3];
        }
        assertEquals(0, out.readableBytes(), "bytes left after the rectangles");
        assertEquals(r.width() * r.height(), covered, "rectangles cover the area once");
        out.release();
        assertLossless(display, r, PixelFormat.SERVER_DEFAULT, frame);
        return kinds;
    }

    @Test
    void gradientFilterOnlyWhereItPredictsWell() {
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            // A smooth ramp: every pixel its own colour, each the sum of its neighbours' steps.
            TestDisplay ramp = new TestDisplay(300, 220);
            for (int y = 0; y < 220; y++) {
                for (int x = 0; x < 300; x++) {
                    ramp.set(
                            x, y, (x * 7 / 12 + y / 10) << 16 | (y * 255 / 219) << 8 | (x + y) / 3);
                }
            }
            Rect all = new Rect(0, 0, 300, 220);
            assertEquals(Map.of("gradient", 300 * 220), kinds(encoder, decoding, ramp, all));
            // Noise is not predictable from its neighbours: the Copy filter.
            TestDisplay noise = new TestDisplay(300, 220);
            java.util.Random random = new java.util.Random(5);
            for (int y = 0; y < 220; y++) {
                for (int x = 0; x < 300; x++) noise.set(x, y, random.nextInt(1 << 24));
            }
            assertEquals(Map.of("copy", 300 * 220), kinds(encoder, decoding, noise, all));
            // The gradient stream carries over from one update to the next.
            Rect part = new Rect(17, 31, 190, 101);
            assertEquals(Map.of("gradient", 190 * 101), kinds(encoder, decoding, ramp, part));
        }
    }

    @Test
    void solidAreasGoOutAsFillsAroundTheDetail() {
        // A window-like screen: a large solid body, a title bar and two rows of 2-colour text.
        TestDisplay display = new TestDisplay(400, 300);
        display.fill(0, 0, 400, 300, 0xf4f4f4);
        display.fill(0, 0, 400, 24, 0x2a5db0);
        for (int x = 10; x < 200; x++) {
            for (int y = 40; y < 50; y++) if ((x * 7 + y * 3) % 5 == 0) display.set(x, y, 0x202020);
            for (int y = 56; y < 66; y++) if ((x * 5 + y) % 3 == 0) display.set(x, y, 0x202020);
        }
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            Map<String, Integer> kinds =
                    kinds(encoder, decoding, display, new Rect(0, 0, 400, 300));
            // The text rows are all that is not solid; they are two colours: 1 bit per pixel.
            assertEquals(Set.of("fill", "palette"), kinds.keySet(), kinds.toString());
            assertTrue(kinds.get("palette") <= 190 * 26 * 2, kinds.toString());
        }
    }

    @Test
    void palettesUpTo256ColoursAndHalvingBeyond() {
        java.util.Random random = new java.util.Random(9);
        TestDisplay display = new TestDisplay(128, 128);
        int[] few = new int[200];
        for (int i = 0; i < few.length; i++) few[i] = random.nextInt(1 << 24);
        // Left half: 200 colours; right half: every pixel different.
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                display.set(x, y, x < 64 ? few[random.nextInt(200)] : random.nextInt(1 << 24));
            }
        }
        try (TightEncoder encoder = new TightEncoder();
                TestRfbDecoding decoding = new TestRfbDecoding()) {
            Map<String, Integer> kinds =
                    kinds(encoder, decoding, display, new Rect(0, 0, 128, 128));
            assertEquals(Map.of("palette", 64 * 128, "copy", 64 * 128), kinds);
            // The same 200 colours in an 8 bpp format: indices are no smaller than the pixels.
            int[] pixels = new int[64 * 128];
            display.read(0, 0, 64, 128, pixels, 0, 64);
            ByteBuf out = Unpooled.buffer();
            encoder.encode(new Rect(0, 0, 64, 128), pixels, EncoderRoundTripTest.RGB_332, out);
            int[] frame = new int[128 * 128];
            decoding.readRect(out, EncoderRoundTripTest.RGB_332, frame, 128);
            assertEquals("copy", decoding.lastTightKind);
            out.release();
        }
    }

    @Test
    void zlibLevelsFollowTheCompressionLevel() {
        for (int stream = 0; stream < 4; stream++) {
            int previous = 0;
            for (int level = 0; level <= 9; level++) {
                int z = TightEncoder.zlibLevel(stream, level);
                assertTrue(z >= 1 && z <= 9, "zlib level " + z);
                assertTrue(z >= previous, "levels only go up");
                previous = z;
            }
            assertEquals(9, previous);
        }
        // A higher level never costs bytes on the same text-like content.
        TestDisplay display = new TestDisplay(256, 128);
        display.fill(0, 0, 256, 128, 0xffffff);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 256; x++) if ((x * x + y * 3) % 7 == 0) display.set(x, y, 0x101010);
        }
        int[] pixels = new int[256 * 128];
        display.read(0, 0, 256, 128, pixels, 0, 256);
        int[] sizes = new int[2];
        for (int i = 0; i < 2; i++) {
            try (TightEncoder encoder = new TightEncoder()) {
                encoder.configure(i == 0 ? 0 : 9, -1);
                ByteBuf out = Unpooled.buffer();
                encoder.encode(new Rect(0, 0, 256, 128), pixels, PixelFormat.SERVER_DEFAULT, out);
                sizes[i] = out.readableBytes();
                out.release();
            }
        }
        assertTrue(sizes[1] < sizes[0], "level 9 " + sizes[1] + " against level 0 " + sizes[0]);
    }
}
