package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several clients of one VM over real sockets, and a client that stops reading. */
class RfbServerClientsTest {
    private static final int W = 640;
    private static final int H = 480;
    private final TestDisplay display = new TestDisplay(W, H);
    private final List<int[]> keys = new ArrayList<>();
    private final RfbTarget target =
            new RfbTarget(
                    "tcp-vm",
                    display,
                    (code, pressed) -> {
                        synchronized (keys) {
                            keys.add(new int[] {code, pressed ? 1 : 0});
                        }
                    },
                    (x, y, b) -> {});
    private final RfbServer server = new RfbServer(2);

    @AfterEach
    void stop() {
        server.close();
    }

    /** A minimal client: handshake, Raw at the server's default format. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final DataOutputStream out;

        Client(InetSocketAddress address) throws IOException {
            this(address, 0);
        }

        /**
         * A {@code receiveBuffer} above 0 is set before connecting: shrunk afterwards, the window
         * already advertised would exceed it, and the kernel would drop segments it then has no
         * room for, stalling the connection in retransmission back-off.
         */
        Client(InetSocketAddress address, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(address);
            socket.setSoTimeout(30_000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            in.readUnsignedByte();
            in.readUnsignedByte();
            out.write(new byte[] {1});
            assertEquals(0, in.readInt());
            out.write(new byte[] {1}); // shared
            assertEquals(W, in.readUnsignedShort());
            assertEquals(H, in.readUnsignedShort());
            in.skipNBytes(16);
            in.skipNBytes(in.readInt());
            out.write(new byte[] {2, 0, 0, 1, 0, 0, 0, 0}); // SetEncodings: Raw
        }

        void request(boolean incremental) throws IOException {
            out.write(new byte[] {3, (byte) (incremental ? 1 : 0), 0, 0, 0, 0});
            out.writeShort(W);
            out.writeShort(H);
        }

        void request(int x, int y, int w, int h) throws IOException {
            out.write(new byte[] {3, 0});
            out.writeShort(x);
            out.writeShort(y);
            out.writeShort(w);
            out.writeShort(h);
        }

        /** Reads one update of Raw rectangles into {@code frame}; returns the pixels it covers. */
        long readUpdate(int[] frame) throws IOException {
            assertEquals(0, in.readUnsignedByte());
            in.readUnsignedByte();
            int count = in.readUnsignedShort();
            long area = 0;
            for (int i = 0; i < count; i++) {
                int x = in.readUnsignedShort();
                int y = in.readUnsignedShort();
                int w = in.readUnsignedShort();
                int h = in.readUnsignedShort();
                assertEquals(RfbEncoding.RAW, in.readInt());
                area += (long) w * h;
                byte[] row = new byte[w * 4];
                for (int r = 0; r < h; r++) {
                    in.readFully(row);
                    for (int c = 0; c < w; c++) {
                        int v =
                                (row[c * 4] & 0xff)
                                        | (row[c * 4 + 1] & 0xff) << 8
                                        | (row[c * 4 + 2] & 0xff) << 16;
                        frame[(y + r) * W + x + c] = v;
                    }
                }
            }
            return area;
        }

        void key(int keysym, boolean down) throws IOException {
            out.write(new byte[] {4, (byte) (down ? 1 : 0), 0, 0});
            out.writeInt(keysym);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void assertFrame(int[] frame) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                assertEquals(
                        display.pixel(x, y) & 0xffffff, frame[y * W + x], "pixel " + x + "," + y);
    }

    @Test
    void severalClientsSeeTheSameScreenAndOnlyViewOnlyOnesAreIgnored() throws Exception {
        display.paintTestPattern(7);
        InetSocketAddress open =
                server.bindTcp(
                        new InetSocketAddress("127.0.0.1", 0), target, RfbSessionOptions.open());
        InetSocketAddress viewOnly =
                server.bindTcp(
                        new InetSocketAddress("127.0.0.1", 0),
                        target,
                        RfbSessionOptions.open().withViewOnly(true));
        try (Client a = new Client(open);
                Client b = new Client(open);
                Client v = new Client(viewOnly)) {
            List<Client> all = List.of(a, b, v);
            List<int[]> frames = new ArrayList<>();
            for (Client c : all) {
                int[] frame = new int[W * H];
                c.request(false);
                c.readUpdate(frame);
                assertFrame(frame);
                frames.add(frame);
            }
            assertEquals(3, target.clients().size());
            for (Client c : all) c.request(true);
            display.fill(100, 100, 50, 20, 0xabcdef);
            for (int i = 0; i < 3; i++) {
                all.get(i).readUpdate(frames.get(i));
                assertFrame(frames.get(i));
            }
            // Each client's messages are handled in order: a round trip proves its key arrived.
            int keysym = 0x61;
            for (Client c : List.of(v, a, b)) {
                c.key(keysym++, true);
                c.request(false);
                c.readUpdate(new int[W * H]);
            }
            synchronized (keys) {
                assertEquals(2, keys.size(), "the view-only client's key is dropped");
                assertArrayEquals(new int[] {0x30, 1}, keys.get(0)); // b
                assertArrayEquals(new int[] {0x2e, 1}, keys.get(1)); // c
            }
        }
    }

    /**
     * 100,000 full-screen requests from a client that never reads, while the screen changes: the
     * server holds at most one encoded update for it (the socket buffers fill, then damage is only
     * coalesced), and another client is served meanwhile.
     */
    @Test
    void aClientThatNeverReadsHoldsAtMostOneUpdate() throws Exception {
        display.paintTestPattern(3);
        InetSocketAddress address =
                server.bindTcp(
                        new InetSocketAddress("127.0.0.1", 0), target, RfbSessionOptions.open());
        // One update: its pixels, and a 12-byte header for each of at most 64 damage rectangles
        // (a queued rectangle can leave up to four strips beside a request's area).
        long frameBytes = 4 + 12 * 4 * DamageRegion.MAX_RECTS + (long) W * H * 4;
        try (Client stalled = new Client(address, 64 * 1024)) {
            byte[] requests = new byte[10 * 1000];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(
                        new byte[] {
                            3, 0, 0, 0, 0, 0, (byte) (W >> 8), (byte) W, (byte) (H >> 8), (byte) H
                        },
                        0,
                        requests,
                        i * 10,
                        10);
            }
            OutputStream out = stalled.out;
            long maxPending = 0;
            for (int round = 0; round < 100; round++) {
                out.write(requests); // 1,000 requests per round, 100,000 in all
                display.fill(round, round, 10, 10, round * 0x030201);
                maxPending = Math.max(maxPending, pendingBytes());
            }
            // A key event after the requests: messages are handled in order, so once it reaches
            // the keyboard the server has taken every request. Until then a loaded machine may
            // still hold requests in the socket, each of which a reading client would see
            // answered with an update of its own.
            stalled.key(0x7a, true);
            stalled.out.flush();
            awaitKeys(1);
            maxPending = Math.max(maxPending, pendingBytes());
            assertTrue(
                    maxPending <= frameBytes,
                    "server-side queue "
                            + maxPending
                            + " bytes exceeds one update of "
                            + frameBytes);
            // The other client is served while this one is stuck.
            try (Client other = new Client(address)) {
                int[] frame = new int[W * H];
                other.request(false);
                other.readUpdate(frame);
                assertFrame(frame);
            }
            // Once it reads, it gets a bounded number of coalesced updates and then the screen.
            // A last request for one pixel marks the end: it replaces the pending one, so its
            // answer comes after every update already sent or in flight, and nothing follows.
            int[] frame = new int[W * H];
            int updates = 0;
            boolean marked = false;
            while (true) {
                long area = stalled.readUpdate(frame);
                if (marked && area == 1) break;
                updates++;
                assertTrue(updates < 100, updates + " updates for 100,000 requests");
                if (!marked && matchesDisplay(frame)) {
                    stalled.request(0, 0, 1, 1);
                    marked = true;
                }
            }
            assertTrue(updates > 0, "no update for 100,000 requests");
            assertFrame(frame);
        }
    }

    private boolean matchesDisplay(int[] frame) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                if ((display.pixel(x, y) & 0xffffff) != frame[y * W + x]) return false;
        return true;
    }

    /** Waits until the keyboard has seen {@code count} keys; fails after a minute. */
    private void awaitKeys(int count) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (true) {
            synchronized (keys) {
                if (keys.size() >= count) return;
            }
            assertTrue(System.nanoTime() < deadline, "the server never handled the key event");
            Thread.sleep(10);
        }
    }

    /** Bytes written to the stalled client's channel but not yet taken by its socket. */
    private long pendingBytes() throws Exception {
        long max = 0;
        for (Channel ch : target.clients()) {
            long pending =
                    ch.eventLoop()
                            .submit(
                                    () -> {
                                        ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
                                        return b == null ? 0L : b.totalPendingWriteBytes();
                                    })
                            .get();
            max = Math.max(max, pending);
        }
        return max;
    }
}
