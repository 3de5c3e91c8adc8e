package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RfbSessionTest {
    private final TestDisplay display = new TestDisplay(100, 60);

    private EmbeddedRfbClient client() {
        return new EmbeddedRfbClient(display, RfbSessionOptions.open());
    }

    private static void assertFrameMatches(TestDisplay display, PixelFormat pf, int[] frame) {
        for (int y = 0; y < display.height(); y++) {
            for (int x = 0; x < display.width(); x++) {
                assertEquals(
                        pf.pack(display.pixel(x, y)), frame[y * display.width() + x], x + "," + y);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fullUpdateInEachEncoding(boolean byteWise) {
        display.paintTestPattern(7);
        for (int encoding :
                new int[] {
                    RfbEncoding.RAW, RfbEncoding.HEXTILE, RfbEncoding.ZRLE, RfbEncoding.TIGHT
                }) {
            EmbeddedRfbClient c = client();
            c.byteWise = byteWise;
            assertArrayEquals(new int[] {100, 60}, c.handshake());
            c.setPixelFormat(RgbFormats.RGB_565);
            c.setEncodings(encoding, RfbEncoding.RAW);
            c.request(false, 0, 0, 100, 60);
            int[] frame = new int[100 * 60];
            try (TestRfbDecoding decoding = new TestRfbDecoding()) {
                List<int[]> rects = c.readUpdate(RgbFormats.RGB_565, frame, 100, decoding);
                assertEquals(encoding, rects.get(0)[4]);
            }
            assertFrameMatches(display, RgbFormats.RGB_565, frame);
            assertEquals(0, c.drain().readableBytes());
            c.channel.finishAndReleaseAll();
        }
    }

    @Test
    void incrementalUpdatesCarryOnlyDamage() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.setEncodings(RfbEncoding.HEXTILE);
        c.request(false, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            c.request(true, 0, 0, 100, 60);
            assertEquals(0, c.drain().readableBytes(), "no damage, no update");
            display.fill(10, 20, 5, 6, 0xabcdef);
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertEquals(1, rects.size());
            assertArrayEquals(new int[] {10, 20, 5, 6, RfbEncoding.HEXTILE}, rects.get(0));
            assertFrameMatches(display, PixelFormat.SERVER_DEFAULT, frame);
            // Damage without a request waits for the next request.
            display.fill(0, 0, 3, 3, 0x123456);
            assertEquals(0, c.drain().readableBytes());
            c.request(true, 0, 0, 100, 60);
            rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertArrayEquals(new int[] {0, 0, 3, 3, RfbEncoding.HEXTILE}, rects.get(0));
        }
    }

    @Test
    void requestsOutsideTheScreenAreClipped() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.request(false, 65535, 65535, 65535, 65535);
        assertEquals(0, c.drain().readableBytes());
        assertTrue(c.channel.isActive());
        c.request(false, 90, 50, 65535, 65535);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertArrayEquals(new int[] {90, 50, 10, 10, RfbEncoding.RAW}, rects.get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "7,24,255,255,255,16,8,0,1",
                "32,24,0,255,255,16,8,0,1",
                "32,24,255,255,255,32,8,0,1",
                "16,16,31,63,31,11,5,0,0",
                "8,8,255,7,3,5,2,0,1",
                "16,16,100,63,31,11,5,0,1"
            })
    void illegalPixelFormatsCloseTheClient(String spec) {
        int[] v = java.util.Arrays.stream(spec.split(",")).mapToInt(Integer::parseInt).toArray();
        EmbeddedRfbClient c = client();
        c.handshake();
        c.setPixelFormat(
                new PixelFormat(v[0], v[1], false, v[8] == 1, v[2], v[3], v[4], v[5], v[6], v[7]));
        assertFalse(c.channel.isActive());
    }

    @Test
    void keysAndPointerReachTheMachine() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.send(Unpooled.buffer().writeByte(4).writeByte(1).writeShort(0).writeInt('A'));
        c.send(Unpooled.buffer().writeByte(4).writeByte(0).writeShort(0).writeInt(0xff52));
        // QEMU Extended Key Event: Up arrow as noVNC sends it (0x80 | 0x48).
        c.send(
                Unpooled.buffer()
                        .writeByte(255)
                        .writeByte(0)
                        .writeShort(1)
                        .writeInt(0xff52)
                        .writeInt(0xc8));
        c.send(
                Unpooled.buffer()
                        .writeByte(255)
                        .writeByte(0)
                        .writeShort(0)
                        .writeInt('a')
                        .writeInt(0x1e));
        c.send(Unpooled.buffer().writeByte(5).writeByte(1).writeShort(500).writeShort(7));
        assertEquals(4, c.keys.size());
        assertArrayEquals(new int[] {0x1e, 1}, c.keys.get(0));
        assertArrayEquals(new int[] {0xe048, 0}, c.keys.get(1));
        assertArrayEquals(new int[] {0xe048, 1}, c.keys.get(2));
        assertArrayEquals(new int[] {0x1e, 0}, c.keys.get(3));
        assertArrayEquals(new int[] {99, 7, 1}, c.pointer.get(0), "pointer clamped to the screen");
    }

    @Test
    void viewOnlyDropsInput() {
        EmbeddedRfbClient c =
                new EmbeddedRfbClient(display, RfbSessionOptions.open().withViewOnly(true));
        c.handshake();
        c.send(Unpooled.buffer().writeByte(4).writeByte(1).writeShort(0).writeInt('a'));
        c.send(Unpooled.buffer().writeByte(5).writeByte(1).writeShort(5).writeShort(7));
        assertEquals(0, c.keys.size());
        assertEquals(0, c.pointer.size());
        assertTrue(c.channel.isActive());
    }

    @Test
    void rfb33And37Handshakes() {
        EmbeddedRfbClient c33 = client();
        assertEquals("RFB 003.008\n", c33.readAscii(12));
        c33.sendAscii("RFB 003.003\n");
        assertEquals(RfbSecurity.NONE, c33.drain().readInt());
        c33.send(new byte[] {0});
        assertArrayEquals(new int[] {100, 60}, c33.readServerInit());

        EmbeddedRfbClient c37 = client();
        c37.readAscii(12);
        c37.sendAscii("RFB 003.007\n");
        assertEquals(1, c37.drain().readUnsignedByte());
        assertEquals(RfbSecurity.NONE, c37.received.readUnsignedByte());
        c37.send(new byte[] {1, 1}); // type, then ClientInit: 3.7 has no SecurityResult for None
        assertArrayEquals(new int[] {100, 60}, c37.readServerInit());
    }

    /** VNC Authentication computed here independently: DES keyed by bit-reversed password bytes. */
    private static byte[] vncResponse(String password, byte[] challenge) throws Exception {
        byte[] key = new byte[8];
        byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < Math.min(8, pw.length); i++) {
            int b = pw[i] & 0xff;
            int r = 0;
            for (int bit = 0; bit < 8; bit++) if ((b & (1 << bit)) != 0) r |= 0x80 >> bit;
            key[i] = (byte) r;
        }
        Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
        return des.doFinal(challenge);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void vncAuthentication(boolean rightPassword) throws Exception {
        var options = new RfbSessionOptions("sesame12345", false, Duration.ofSeconds(10));
        EmbeddedRfbClient c = new EmbeddedRfbClient(display, options);
        c.readAscii(12);
        c.sendAscii("RFB 003.008\n");
        assertEquals(1, c.drain().readUnsignedByte());
        assertEquals(RfbSecurity.VNC_AUTH, c.received.readUnsignedByte());
        c.send(new byte[] {RfbSecurity.VNC_AUTH});
        byte[] challenge = new byte[16];
        c.drain().readBytes(challenge);
        c.send(vncResponse(rightPassword ? "sesame12" : "sesame13", challenge));
        int result = c.drain().readInt();
        if (rightPassword) {
            assertEquals(0, result);
            c.send(new byte[] {1});
            c.readServerInit();
        } else {
            assertEquals(1, result);
            int len = c.received.readInt();
            assertEquals(
                    "VNC authentication failed",
                    c.received.readCharSequence(len, StandardCharsets.UTF_8).toString());
            assertFalse(c.channel.isActive());
        }
    }

    @Test
    void securityTypeNotOfferedIsRefusedWithReason() {
        EmbeddedRfbClient c = client();
        c.readAscii(12);
        c.sendAscii("RFB 003.008\n");
        c.drain().skipBytes(2);
        c.send(new byte[] {RfbSecurity.VNC_AUTH});
        assertEquals(1, c.drain().readInt());
        int len = c.received.readInt();
        assertTrue(
                c.received
                        .readCharSequence(len, StandardCharsets.UTF_8)
                        .toString()
                        .contains("not offered"));
        assertFalse(c.channel.isActive());
    }

    /** noVNC 1.7.0's SetEncodings, in its order (Open H.264 left out: not every browser has it). */
    static final int[] NOVNC_ENCODINGS = {
        1,
        7,
        -260,
        16,
        21,
        5,
        2,
        6,
        0,
        -26,
        -254,
        -223,
        -224,
        -258,
        -261,
        -308,
        -309,
        -312,
        -313,
        -307,
        0xC0A1E5CE,
        -316,
        0x574D5664,
        -239
    };

    @Test
    void theClientsOrderChoosesTheEncoding() {
        display.paintTestPattern(9);
        int[][] lists = {
            NOVNC_ENCODINGS,
            {RfbEncoding.ZRLE, RfbEncoding.TIGHT},
            {RfbEncoding.TIGHT, RfbEncoding.ZRLE}
        };
        int[] expected = {RfbEncoding.TIGHT, RfbEncoding.ZRLE, RfbEncoding.TIGHT};
        for (int i = 0; i < lists.length; i++) {
            EmbeddedRfbClient c = client();
            c.handshake();
            c.setEncodings(lists[i]);
            if (i == 0) {
                // noVNC lists ContinuousUpdates and Fence: both are announced first.
                assertEquals(150, c.readServerMessage()[0]);
                assertEquals(248, c.readServerMessage()[0]);
            }
            c.request(false, 0, 0, 100, 60);
            int[] frame = new int[100 * 60];
            try (TestRfbDecoding decoding = new TestRfbDecoding()) {
                List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
                int pixels = 0;
                for (int[] r : rects) {
                    if (r[4] >= 0) {
                        assertEquals(expected[i], r[4]);
                        pixels += r[2] * r[3];
                    }
                }
                assertEquals(100 * 60, pixels);
                if (i == 0) {
                    // noVNC asked for quality level 6 and the picture has noise: lossy JPEG.
                    assertEquals("jpeg", decoding.lastTightKind);
                } else {
                    assertFrameMatches(display, PixelFormat.SERVER_DEFAULT, frame);
                }
            }
            assertEquals(0, c.drain().readableBytes());
            c.channel.finishAndReleaseAll();
        }
    }

    @Test
    void httpRequestOnTheRfbPortIsClosed() {
        EmbeddedRfbClient c = client();
        c.readAscii(12);
        c.sendAscii("GET / HTTP/1.1\r\nHost: example\r\n\r\n");
        assertFalse(c.channel.isActive());
    }

    @Test
    void hostileMessagesCloseOnlyThatClient() {
        EmbeddedRfbClient hostile = client();
        EmbeddedRfbClient good = client();
        hostile.handshake();
        good.handshake();
        hostile.send(
                new byte[] {6, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});
        assertFalse(hostile.channel.isActive());
        assertEquals(1, display.listeners.size(), "the closed client stopped listening");
        good.request(false, 0, 0, 100, 60);
        assertTrue(good.drain().readableBytes() > 0);
        assertTrue(good.channel.isActive());
    }

    @Test
    void silentClientTimesOutBeforeAuthentication() {
        var options = new RfbSessionOptions(null, false, Duration.ofSeconds(5));
        EmbeddedRfbClient c = new EmbeddedRfbClient(display, options);
        c.readAscii(12);
        c.channel.advanceTimeBy(4, TimeUnit.SECONDS);
        c.channel.runScheduledPendingTasks();
        assertTrue(c.channel.isActive());
        c.channel.advanceTimeBy(2, TimeUnit.SECONDS);
        c.channel.runScheduledPendingTasks();
        assertFalse(c.channel.isActive());
    }

    @Test
    void authenticatedClientIsNotTimedOut() {
        EmbeddedRfbClient c =
                new EmbeddedRfbClient(
                        display, new RfbSessionOptions(null, false, Duration.ofSeconds(5)));
        c.handshake();
        c.channel.advanceTimeBy(60, TimeUnit.SECONDS);
        c.channel.runScheduledPendingTasks();
        assertTrue(c.channel.isActive());
    }

    /** Holds writes as a socket that is not read would: the promises stay incomplete. */
    static final class StalledSocket extends ChannelOutboundHandlerAdapter {
        final Queue<Object[]> held = new ArrayDeque<>();
        boolean stalled;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (stalled) held.add(new Object[] {msg, promise});
            else ctx.write(msg, promise);
        }

        void release(ChannelHandlerContext ctx) {
            stalled = false;
            Object[] w;
            while ((w = held.poll()) != null) ctx.write(w[0], (ChannelPromise) w[1]);
            ctx.flush();
        }
    }

    @Test
    void slowClientGetsOneUpdateInFlightAndCoalescedDamage() {
        StalledSocket socket = new StalledSocket();
        EmbeddedRfbClient c = new EmbeddedRfbClient(display, RfbSessionOptions.open(), socket);
        c.handshake();
        c.request(false, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            socket.stalled = true;
            c.request(true, 0, 0, 100, 60);
            display.fill(0, 0, 1, 1, 0x111111);
            c.channel.runPendingTasks();
            assertEquals(1, socket.held.size(), "first update written, not yet sent");
            // The client keeps asking and the screen keeps changing; nothing more is queued.
            for (int i = 0; i < 1000; i++) {
                c.request(true, 0, 0, 100, 60);
                display.fill(i % 100, (i * 7) % 60, 1, 1, i * 0x010203);
                c.channel.runPendingTasks();
            }
            c.channel.runPendingTasks();
            assertEquals(1, socket.held.size(), "never more than one update in flight");
            socket.release(c.channel.pipeline().firstContext());
            c.channel.runPendingTasks();
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertFrameMatches(display, PixelFormat.SERVER_DEFAULT, frame);
            assertEquals(0, c.drain().readableBytes());
        }
    }

    @Test
    void resizeIsAnnouncedToClientsThatUnderstandIt() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.DESKTOP_SIZE, RfbEncoding.LAST_RECT);
        c.request(false, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            display.resize(40, 30);
            display.paintTestPattern(3);
            c.request(true, 0, 0, 100, 60);
            int[] small = new int[40 * 30];
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, small, 40, decoding);
            assertArrayEquals(new int[] {0, 0, 40, 30, RfbEncoding.DESKTOP_SIZE}, rects.get(0));
            assertArrayEquals(new int[] {0, 0, 40, 30, RfbEncoding.RAW}, rects.get(1));
            assertFrameMatches(display, PixelFormat.SERVER_DEFAULT, small);
        }
    }

    @Test
    void extendedDesktopSizeIsAnnouncedAndResizeRequestsRefused() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.EXTENDED_DESKTOP_SIZE);
        c.request(false, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertArrayEquals(
                    new int[] {0, 0, 100, 60, RfbEncoding.EXTENDED_DESKTOP_SIZE}, rects.get(0));
            ByteBuf set =
                    Unpooled.buffer().writeByte(251).writeByte(0).writeShort(800).writeShort(600);
            set.writeByte(1).writeByte(0).writeZero(16);
            c.send(set);
            c.request(true, 0, 0, 100, 60);
            rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertArrayEquals(
                    new int[] {1, 1, 100, 60, RfbEncoding.EXTENDED_DESKTOP_SIZE}, rects.get(0));
        }
    }

    @Test
    void qemuExtendedKeyEventSupportIsAcknowledged() {
        EmbeddedRfbClient c = client();
        c.handshake();
        c.setEncodings(RfbEncoding.ZRLE, RfbEncoding.QEMU_EXTENDED_KEY_EVENT);
        c.request(true, 0, 0, 100, 60);
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertEquals(1, rects.size());
            assertArrayEquals(
                    new int[] {0, 0, 0, 0, RfbEncoding.QEMU_EXTENDED_KEY_EVENT}, rects.get(0));
            // Acknowledged once: the next incremental request waits for damage.
            c.request(true, 0, 0, 100, 60);
            assertEquals(0, c.drain().readableBytes());
        }
    }

    /** A surface that shrinks between the size the session saw and its read, as a resize can. */
    @Test
    void aResizeDuringAnUpdateIsRetriedNotFatal() {
        TestDisplay shrinking =
                new TestDisplay(100, 60) {
                    int reads;

                    @Override
                    public synchronized void read(
                            int x, int y, int w, int h, int[] dst, int off, int stride) {
                        if (reads++ == 0) throw new IndexOutOfBoundsException("resized meanwhile");
                        super.read(x, y, w, h, dst, off, stride);
                    }
                };
        shrinking.paintTestPattern(5);
        EmbeddedRfbClient c = new EmbeddedRfbClient(shrinking, RfbSessionOptions.open());
        c.handshake();
        c.setEncodings(RfbEncoding.ZRLE);
        c.request(false, 0, 0, 100, 60);
        c.channel.runPendingTasks();
        assertTrue(c.channel.isActive());
        int[] frame = new int[100 * 60];
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
        }
        assertFrameMatches(shrinking, PixelFormat.SERVER_DEFAULT, frame);
    }

    @Test
    void clientsJoinTheTargetsGroupAndLeaveItWhenClosed() {
        var group = RfbTarget.newClientGroup("g");
        RfbTarget target = new RfbTarget("test-vm", display, (c, p) -> {}, (x, y, b) -> {}, group);
        var channel = new io.netty.channel.embedded.EmbeddedChannel();
        RfbSession.install(channel.pipeline(), target, RfbSessionOptions.open());
        assertEquals(1, group.size());
        group.close();
        assertFalse(channel.isActive(), "closing the group closes the client");
        assertEquals(0, group.size());
        assertEquals(0, display.listeners.size());
    }
}
