package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
        encoder.encode(r, pixels, pf, out);
        int[] frame = new int[display.width() * display.height()];
        for (int i = 0; i < encoder.rectangleCount(r); i++) {
            int[] header = decoding.readRect(out, pf, frame, display.width());
            assertEquals(RfbEncoding.TIGHT, header[4]);
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
            new Case(new Rect(60, 0, 20, 20), "palette"),
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
            assertEquals(2, encoder.rectangleCount(wide));
            assertLossless(
                    display,
                    wide,
                    PixelFormat.SERVER_DEFAULT,
                    roundTrip(encoder, decoding, display, wide, PixelFormat.SERVER_DEFAULT));
            // 2100 x 300 = 2048-wide columns of 32 rows (65536 pixels), and a 52-wide column.
            Rect whole = new Rect(0, 0, 2100, 300);
            assertEquals(2 * 10, encoder.rectangleCount(whole));
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
            assertEquals("copy", decoding.lastTightKind);
            assertLossless(display, all, PixelFormat.SERVER_DEFAULT, frame);
            encoder.configure(9, 9);
            frame = roundTrip(encoder, decoding, display, all, EncoderRoundTripTest.RGB_332);
            assertEquals("copy", decoding.lastTightKind);
            assertLossless(display, all, EncoderRoundTripTest.RGB_332, frame);
        }
    }
}
