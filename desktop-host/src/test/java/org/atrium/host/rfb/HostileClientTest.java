package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile inputs from the RFB notes that are not covered elsewhere: each must end only the
 * offending connection, or be answered without harm, while another client keeps working.
 */
class HostileClientTest {
    private final TestDisplay display = new TestDisplay(100, 60);

    private EmbeddedRfbClient client() {
        return new EmbeddedRfbClient(display, RfbSessionOptions.open());
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    /** ClientCutText in the Extended Clipboard form: the length is minus the payload size. */
    private static byte[] extendedCutText(byte[] payload) {
        return bytes(
                Unpooled.buffer()
                        .writeByte(6)
                        .writeZero(3)
                        .writeInt(-payload.length)
                        .writeBytes(payload));
    }

    private static byte[] zlib(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(plain);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A provide message for the text format holding {@code text} plus a NUL. */
    private static byte[] provide(byte[] text, int claimedSize) {
        ByteBuf plain = Unpooled.buffer().writeInt(claimedSize).writeBytes(text).writeByte(0);
        byte[] compressed = zlib(bytes(plain));
        ByteBuf payload =
                Unpooled.buffer()
                        .writeInt(ExtendedClipboard.PROVIDE | ExtendedClipboard.TEXT)
                        .writeBytes(compressed);
        return extendedCutText(bytes(payload));
    }

    static Stream<Arguments> closingMessages() {
        byte[] bomb = new byte[4 << 20]; // 4 MiB of zeros deflate to a few KiB
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("extended clipboard, 1-byte payload", extendedCutText(new byte[1])));
        cases.add(Arguments.of("extended clipboard, 3-byte payload", extendedCutText(new byte[3])));
        cases.add(
                Arguments.of(
                        "extended clipboard caps for 2 formats with 1 size",
                        extendedCutText(
                                bytes(
                                        Unpooled.buffer()
                                                .writeInt(ExtendedClipboard.CAPS | 0b11)
                                                .writeInt(1024)))));
        cases.add(Arguments.of("extended clipboard zlib bomb", provide(bomb, bomb.length + 1)));
        cases.add(
                Arguments.of(
                        "extended clipboard size beyond its data",
                        provide("hi".getBytes(StandardCharsets.UTF_8), 1000)));
        cases.add(
                Arguments.of(
                        "extended clipboard provide that is not zlib",
                        extendedCutText(
                                bytes(
                                        Unpooled.buffer()
                                                .writeInt(ExtendedClipboard.PROVIDE | 1)
                                                .writeInt(0x12345678)))));
        cases.add(
                Arguments.of(
                        "extended clipboard claiming 2^31 bytes",
                        bytes(Unpooled.buffer().writeByte(6).writeZero(3).writeInt(1 << 31))));
        cases.add(
                Arguments.of(
                        "fence with a 65-byte payload",
                        bytes(
                                Unpooled.buffer()
                                        .writeByte(248)
                                        .writeZero(3)
                                        .writeInt(1 << 31)
                                        .writeByte(65)
                                        .writeZero(65))));
        for (int type : new int[] {1, 7, 99, 149, 247, 249, 250, 252, 254}) {
            cases.add(Arguments.of("unknown message type " + type, new byte[] {(byte) type, 0, 0}));
        }
        cases.add(Arguments.of("QEMU subtype 1", new byte[] {(byte) 255, 1, 0, 0}));
        return cases.stream();
    }

    /** Whole and one byte at a time: the decoder must not act before the payload is complete. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("closingMessages")
    void closesOnlyTheOffendingClient(String name, byte[] message) {
        for (boolean byteWise : new boolean[] {false, true}) {
            EmbeddedRfbClient hostile = client();
            EmbeddedRfbClient good = client();
            hostile.handshake();
            good.handshake();
            hostile.byteWise = byteWise;
            hostile.send(message);
            hostile.channel.runPendingTasks();
            assertFalse(hostile.channel.isActive(), name + " should close the client");
            assertEquals(1, display.listeners.size(), "only the good client listens");
            good.request(false, 0, 0, 100, 60);
            int[] frame = new int[100 * 60];
            try (TestRfbDecoding decoding = new TestRfbDecoding()) {
                good.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            }
            assertTrue(good.channel.isActive());
            good.channel.finishAndReleaseAll();
            hostile.channel.finishAndReleaseAll();
            assertEquals(0, display.listeners.size());
        }
    }

    static Stream<Arguments> harmlessMessages() {
        return Stream.of(
                Arguments.of(
                        "clipboard request while the server holds none",
                        extendedCutText(
                                bytes(Unpooled.buffer().writeInt(ExtendedClipboard.REQUEST | 1)))),
                Arguments.of(
                        "caps with their sizes",
                        extendedCutText(
                                bytes(
                                        Unpooled.buffer()
                                                .writeInt(ExtendedClipboard.CAPS | 0b101)
                                                .writeInt(1024)
                                                .writeInt(2048)))),
                Arguments.of(
                        "provide of a short text",
                        provide(
                                "héllo".getBytes(StandardCharsets.UTF_8),
                                "héllo".getBytes(StandardCharsets.UTF_8).length + 1)),
                Arguments.of(
                        "fence with a 64-byte payload",
                        bytes(
                                Unpooled.buffer()
                                        .writeByte(248)
                                        .writeZero(3)
                                        .writeInt(0)
                                        .writeByte(64)
                                        .writeZero(64))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("harmlessMessages")
    void wellFormedExtensionMessagesAreReadAndDropped(String name, byte[] message) {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.byteWise = true;
        c.send(message);
        assertTrue(c.channel.isActive(), name + " should not close the client");
        c.request(false, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
        }
        assertEquals(0, c.drain().readableBytes());
        c.channel.finishAndReleaseAll();
    }

    @Test
    void providedTextIsDecodedWithinTheCap() {
        byte[] text = "héllo".getBytes(StandardCharsets.UTF_8);
        byte[] message = provide(text, text.length + 1);
        List<Object> out = DecoderTest.decode(ClientMessageDecoder::new, message, true);
        assertEquals(
                List.of(
                        new RfbClientMessage.ExtendedClipboardMessage(
                                ExtendedClipboard.PROVIDE | ExtendedClipboard.TEXT, "héllo")),
                out);
    }

    private static byte[] setDesktopSize(int width, int height, int screens) {
        ByteBuf b = Unpooled.buffer().writeByte(251).writeByte(0);
        b.writeShort(width).writeShort(height).writeByte(screens).writeByte(0);
        for (int i = 0; i < screens; i++) {
            b.writeInt(i).writeShort(0).writeShort(0).writeShort(width).writeShort(height);
            b.writeInt(0);
        }
        return bytes(b);
    }

    /** Refused through the ExtendedDesktopSize status (y), and the screen keeps its size. */
    @Test
    void absurdDesktopSizesAreRefusedNotApplied() {
        EmbeddedRfbClient c = client();
        EmbeddedRfbClient other = client();
        c.handshake();
        other.handshake();
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.EXTENDED_DESKTOP_SIZE);
        c.request(false, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            int[][] requests = {{0, 0, 255}, {65535, 65535, 1}, {65535, 65535, 255}};
            int[] statuses = {
                ExtendedDesktopSizeEncoder.STATUS_INVALID_LAYOUT,
                ExtendedDesktopSizeEncoder.STATUS_PROHIBITED,
                ExtendedDesktopSizeEncoder.STATUS_PROHIBITED
            };
            for (int i = 0; i < requests.length; i++) {
                c.byteWise = i == 0;
                c.send(setDesktopSize(requests[i][0], requests[i][1], requests[i][2]));
                c.request(true, 0, 0, 100, 60);
                List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
                assertArrayEquals(
                        new int[] {
                            ExtendedDesktopSizeEncoder.REASON_THIS_CLIENT,
                            statuses[i],
                            100,
                            60,
                            RfbEncoding.EXTENDED_DESKTOP_SIZE
                        },
                        rects.get(0),
                        "answer to " + java.util.Arrays.toString(requests[i]));
                assertEquals(100, display.width());
                assertEquals(60, display.height());
            }
        }
        assertTrue(c.channel.isActive());
        other.request(false, 0, 0, 100, 60);
        assertTrue(other.drain().readableBytes() > 0);
        assertTrue(other.channel.isActive());
    }

    @Test
    void pointerEventsOutsideTheScreenAreClamped() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.send(new byte[] {5, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        c.send(new byte[] {5, 0, 0, 50, (byte) 0xff, (byte) 0xff});
        c.send(new byte[] {5, 0, (byte) 0xff, (byte) 0xff, 0, 10});
        assertTrue(c.channel.isActive());
        assertEquals(3, c.pointer.size());
        assertArrayEquals(new int[] {99, 59, 1}, c.pointer.get(0));
        assertArrayEquals(new int[] {50, 59, 0}, c.pointer.get(1));
        assertArrayEquals(new int[] {99, 10, 0}, c.pointer.get(2));
    }

    /** The shared target's client set and the display's listeners must be empty afterwards. */
    @Test
    void thousandsOfConnectionsLeaveNothingBehind() {
        var group = RfbTarget.newClientGroup("cycles");
        RfbTarget target = new RfbTarget("test-vm", display, (c, p) -> {}, (x, y, b) -> {}, group);
        display.paintTestPattern(1);
        int[] frame = new int[100 * 60];
        for (int i = 0; i < 1000; i++) {
            EmbeddedRfbClient c = new EmbeddedRfbClient(target, RfbSessionOptions.open());
            assertEquals(1, group.size());
            switch (i % 3) {
                case 0 -> c.channel.close(); // gone during the handshake
                case 1 -> {
                    c.handshake();
                    c.channel.close();
                }
                default -> {
                    // Encoders with zlib state must be released too.
                    c.handshake();
                    c.setEncodings(i % 2 == 0 ? RfbEncoding.TIGHT : RfbEncoding.ZRLE);
                    c.request(false, 0, 0, 100, 60);
                    try (TestRfbDecoding decoding = new TestRfbDecoding()) {
                        c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
                    }
                    c.channel.close();
                }
            }
            c.channel.finishAndReleaseAll();
            c.received.release();
        }
        assertEquals(0, group.size(), "client set after 1000 cycles");
        assertEquals(0, display.listeners.size(), "display listeners after 1000 cycles");
    }
}
