package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cursor, QEMU LED State, ContinuousUpdates and Fence, driven through an embedded channel. */
class RfbExtensionsTest {
    private static final int REQUEST = RfbClientMessage.Fence.REQUEST;
    private static final int BLOCK_BEFORE = RfbClientMessage.Fence.BLOCK_BEFORE;
    private static final int BLOCK_AFTER = RfbClientMessage.Fence.BLOCK_AFTER;
    private static final int SYNC_NEXT = RfbClientMessage.Fence.SYNC_NEXT;

    private final TestDisplay display = new TestDisplay(100, 60);
    private final int[] frame = new int[100 * 60];

    private EmbeddedRfbClient client() {
        EmbeddedRfbClient c = new EmbeddedRfbClient(display, RfbSessionOptions.open());
        c.handshake();
        return c;
    }

    private static boolean hasEncoding(List<int[]> rects, int encoding) {
        return rects.stream().anyMatch(r -> r[4] == encoding);
    }

    private void assertArrow(EmbeddedRfbClient c, PixelFormat pf) {
        int w = CursorEncoder.WIDTH;
        assertEquals(w * CursorEncoder.HEIGHT, c.cursorPixels.length);
        for (int y = 0; y < CursorEncoder.HEIGHT; y++) {
            for (int x = 0; x < w; x++) {
                int bit = c.cursorMask[y * ((w + 7) / 8) + x / 8] >> (7 - x % 8) & 1;
                char shape = CursorEncoder.ARROW[y].charAt(x);
                assertEquals(shape != ' ', bit == 1, "mask at " + x + "," + y);
                if (shape != ' ') {
                    int rgb = shape == '.' ? 0xffffff : 0;
                    assertEquals(pf.pack(rgb), c.cursorPixels[y * w + x], "pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void cursorIsSentOnceAndAgainInANewPixelFormat() {
        EmbeddedRfbClient c = client();
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.CURSOR);
        c.request(false, 0, 0, 100, 60);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertTrue(hasEncoding(rects, RfbEncoding.CURSOR));
            assertArrow(c, PixelFormat.SERVER_DEFAULT);
            c.request(true, 0, 0, 100, 60);
            assertEquals(0, c.drain().readableBytes(), "no damage, no cursor change: nothing");
            c.setPixelFormat(RgbFormats.RGB_565);
            c.cursorPixels = null;
            c.request(true, 0, 0, 100, 60);
            List<int[]> again = c.readUpdate(RgbFormats.RGB_565, frame, 100, decoding);
            assertEquals(1, again.size());
            assertArrow(c, RgbFormats.RGB_565);
        }
    }

    @Test
    void clientsThatDoNotAskGetNoCursorAndNoLeds() {
        EmbeddedRfbClient c = client();
        c.setEncodings(RfbEncoding.RAW);
        c.keyboard.setLeds(4);
        c.request(false, 0, 0, 100, 60);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertTrue(rects.stream().allMatch(r -> r[4] == RfbEncoding.RAW));
        }
        assertEquals(-1, c.leds);
    }

    @Test
    void ledStateFollowsTheGuest() {
        EmbeddedRfbClient c = client();
        c.keyboard.setLeds(2);
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.QEMU_LED_STATE);
        c.request(false, 0, 0, 100, 60);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertEquals(2, c.leds, "the state at the time of SetEncodings");
            c.request(true, 0, 0, 100, 60);
            assertEquals(0, c.drain().readableBytes());
            c.keyboard.setLeds(5); // scroll and caps lock
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertEquals(1, rects.size());
            assertEquals(5, c.leds);
        }
        c.channel.close();
        c.channel.runPendingTasks();
        assertEquals(List.of(), c.keyboard.listeners, "the listener leaves with the client");
    }

    @Test
    void continuousUpdatesFlowWithoutRequestsUntilDisabled() {
        EmbeddedRfbClient c = client();
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.CONTINUOUS_UPDATES, RfbEncoding.FENCE);
        assertArrayEquals(new int[] {150}, c.readServerMessage(), "EndOfContinuousUpdates");
        assertArrayEquals(
                new int[] {248, REQUEST | BLOCK_BEFORE | BLOCK_AFTER | SYNC_NEXT, 0},
                c.readServerMessage(),
                "the server's Fence request");
        assertEquals(0, c.drain().readableBytes());
        c.send(enableContinuous(true, 0, 0, 100, 60));
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            for (int i = 0; i < 3; i++) {
                display.fill(10 * i, 5, 7, 3, 0x123456 * (i + 1));
                List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
                assertEquals(1, rects.size());
                assertArrayEquals(new int[] {10 * i, 5, 7, 3, RfbEncoding.RAW}, rects.get(0));
                assertEquals(0x123456 * (i + 1), frame[5 * 100 + 10 * i]);
            }
            // A second SetEncodings does not announce the extensions again.
            c.setEncodings(RfbEncoding.RAW, RfbEncoding.CONTINUOUS_UPDATES, RfbEncoding.FENCE);
            assertEquals(0, c.drain().readableBytes());
            c.send(enableContinuous(false, 0, 0, 100, 60));
            assertArrayEquals(new int[] {150}, c.readServerMessage());
            display.fill(0, 0, 10, 10, 0xffffff);
            assertEquals(0, c.drain().readableBytes(), "disabled: nothing without a request");
            c.request(true, 0, 0, 100, 60);
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertArrayEquals(new int[] {0, 0, 10, 10, RfbEncoding.RAW}, rects.get(0));
        }
    }

    @Test
    void continuousUpdatesOutsideTheScreenSendNothingAndKeepTheClient() {
        EmbeddedRfbClient c = client();
        c.setEncodings(RfbEncoding.RAW, RfbEncoding.CONTINUOUS_UPDATES);
        c.readServerMessage();
        c.byteWise = true;
        c.send(enableContinuous(true, 65535, 65535, 65535, 65535));
        display.fill(0, 0, 100, 60, 0x777777);
        assertEquals(0, c.drain().readableBytes());
        assertTrue(c.channel.isActive());
        c.send(enableContinuous(true, 90, 50, 65535, 65535));
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            List<int[]> rects = c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
            assertArrayEquals(new int[] {90, 50, 10, 10, RfbEncoding.RAW}, rects.get(0));
        }
    }

    @Test
    void fenceRequestsAreAnsweredWithTheirPayloadAndKnownFlags() {
        EmbeddedRfbClient c = client();
        c.byteWise = true;
        c.send(fence(REQUEST | BLOCK_BEFORE | 0x100, new byte[] {'a', 'b', 'c'}));
        assertArrayEquals(new int[] {248, BLOCK_BEFORE, 3, 'a', 'b', 'c'}, c.readServerMessage());
        // An answer (no Request flag) is not answered.
        c.send(fence(BLOCK_AFTER, new byte[] {1}));
        assertEquals(0, c.drain().readableBytes());
        // SyncNext: the answer comes after the next message has been handled, its update first.
        c.send(fence(REQUEST | SYNC_NEXT | BLOCK_AFTER, new byte[] {9}));
        assertEquals(0, c.drain().readableBytes(), "held until the next message");
        c.request(false, 0, 0, 100, 60);
        try (TestRfbDecoding decoding = new TestRfbDecoding()) {
            c.readUpdate(PixelFormat.SERVER_DEFAULT, frame, 100, decoding);
        }
        assertArrayEquals(new int[] {248, SYNC_NEXT | BLOCK_AFTER, 1, 9}, c.readServerMessage());
        assertEquals(0, c.drain().readableBytes());
    }

    private static byte[] enableContinuous(boolean on, int x, int y, int w, int h) {
        byte[] b = new byte[10];
        Unpooled.wrappedBuffer(b)
                .writerIndex(0)
                .writeByte(150)
                .writeByte(on ? 1 : 0)
                .writeShort(x)
                .writeShort(y)
                .writeShort(w)
                .writeShort(h);
        return b;
    }

    private static byte[] fence(int flags, byte[] payload) {
        byte[] b = new byte[9 + payload.length];
        Unpooled.wrappedBuffer(b)
                .writerIndex(0)
                .writeByte(248)
                .writeZero(3)
                .writeInt(flags)
                .writeByte(payload.length)
                .writeBytes(payload);
        return b;
    }
}
