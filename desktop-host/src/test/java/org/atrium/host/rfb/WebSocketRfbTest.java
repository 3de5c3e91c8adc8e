package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFB over WebSocket with a hand-written client, to send frames no library would. */
class WebSocketRfbTest {
    private final TestDisplay display = new TestDisplay(32, 16);
    private RfbServer server;
    private int port;
    private RfbTarget target;

    @BeforeEach
    void start() throws InterruptedException {
        server = new RfbServer(1);
        target = new RfbTarget("ws-vm", display, (c, p) -> {}, (x, y, b) -> {});
        WebSocketAdmission admission =
                (path, query) ->
                        CompletableFuture.completedFuture(
                                path.equals("/ws/vms/ws-vm")
                                        ? new WebSocketAdmission.Admitted(
                                                target,
                                                new RfbSessionOptions(
                                                        null, false, Duration.ofSeconds(10)))
                                        : new WebSocketAdmission.Refused(404, "no such VM"));
        port =
                server.bindWebSocket(new InetSocketAddress("127.0.0.1", 0), admission, 1024)
                        .getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket upgrade(String path) throws IOException {
        return upgrade(path, 0);
    }

    /**
     * Connects and sends the upgrade request; a {@code receiveBuffer} above 0 is set before the
     * connection exists. Shrinking it afterwards would leave a larger window already advertised
     * than the buffer can hold: the kernel then drops the server's segments, both ends back off
     * their retransmissions, and a writing client can stall for minutes on a busy machine.
     */
    private Socket upgrade(String path, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        s.setSoTimeout(20_000);
        String request =
                "GET "
                        + path
                        + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static String readHeaders(DataInputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n"))
            b.write(in.readUnsignedByte());
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Reads one server frame: {opcode, payload...}. */
    private static byte[] readFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = (int) in.readLong();
        byte[] frame = new byte[len + 1];
        frame[0] = (byte) (b0 & 0x0f);
        in.readFully(frame, 1, len);
        return frame;
    }

    private static void writeFrame(
            OutputStream out, int opcode, boolean fin, boolean mask, byte[] payload)
            throws IOException {
        out.write((fin ? 0x80 : 0) | opcode);
        out.write((mask ? 0x80 : 0) | payload.length); // tests use payloads under 126 bytes
        byte[] key = {1, 2, 3, 4};
        if (mask) out.write(key);
        for (int i = 0; i < payload.length; i++)
            out.write(mask ? payload[i] ^ key[i % 4] : payload[i]);
    }

    private static byte[] payload(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, 1, frame.length);
    }

    /** True when the server ends the connection (a Close frame or end of stream). */
    private static boolean closes(DataInputStream in) throws IOException {
        try {
            while (true) {
                if (readFrame(in)[0] == 8) return true;
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void fragmentedHandshakeIsOneRfbStream() throws IOException {
        try (Socket s = upgrade("/ws/vms/ws-vm?token=x")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertTrue(readHeaders(in).startsWith("HTTP/1.1 101"));
            assertArrayEquals(
                    "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), payload(readFrame(in)));
            OutputStream out = s.getOutputStream();
            // The version string split over a binary frame and two continuations, a ping between.
            writeFrame(out, 2, false, true, "RFB 00".getBytes(StandardCharsets.US_ASCII));
            writeFrame(out, 9, true, true, new byte[] {7});
            writeFrame(out, 0, false, true, "3.0".getBytes(StandardCharsets.US_ASCII));
            writeFrame(out, 0, true, true, "08\n".getBytes(StandardCharsets.US_ASCII));
            byte[] pong = readFrame(in);
            assertEquals(10, pong[0]);
            assertArrayEquals(new byte[] {1, 1}, payload(readFrame(in)));
        }
    }

    @Test
    void unmaskedClientFramesCloseTheConnection() throws IOException {
        try (Socket s = upgrade("/ws/vms/ws-vm")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            readHeaders(in);
            readFrame(in);
            writeFrame(
                    s.getOutputStream(),
                    2,
                    true,
                    false,
                    "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(closes(in));
        }
    }

    @Test
    void oversizeFramesCloseTheConnection() throws IOException {
        try (Socket s = upgrade("/ws/vms/ws-vm")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            readHeaders(in);
            readFrame(in);
            OutputStream out = s.getOutputStream();
            // A header claiming 2^63-1 bytes.
            out.write(0x82);
            out.write(0x80 | 127);
            new java.io.DataOutputStream(out).writeLong(Long.MAX_VALUE);
            out.write(new byte[] {1, 2, 3, 4});
            assertTrue(closes(in));
        }
    }

    @Test
    void textFramesAndUnknownPathsAreRefused() throws IOException {
        try (Socket s = upgrade("/ws/vms/ws-vm")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            readHeaders(in);
            readFrame(in);
            writeFrame(
                    s.getOutputStream(),
                    1,
                    true,
                    true,
                    "hello".getBytes(StandardCharsets.US_ASCII));
            assertTrue(closes(in));
        }
        try (Socket s = upgrade("/ws/vms/other")) {
            assertTrue(
                    readHeaders(new DataInputStream(s.getInputStream()))
                            .startsWith("HTTP/1.1 404"));
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(
                    readHeaders(new DataInputStream(s.getInputStream()))
                            .startsWith("HTTP/1.1 426"));
        }
    }

    /** A second client completes its RFB handshake: the server goes on for others. */
    private void anotherClientIsServed() throws IOException {
        try (Socket s = upgrade("/ws/vms/ws-vm")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertTrue(readHeaders(in).startsWith("HTTP/1.1 101"));
            readFrame(in);
            OutputStream out = s.getOutputStream();
            writeFrame(out, 2, true, true, "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(new byte[] {1, 1}, payload(readFrame(in)));
            writeFrame(out, 2, true, true, new byte[] {1});
            assertArrayEquals(new byte[] {0, 0, 0, 0}, payload(readFrame(in)));
        }
    }

    @Test
    void fragmentedControlFramesCloseOnlyThatConnection() throws IOException {
        try (Socket s = upgrade("/ws/vms/ws-vm")) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            readHeaders(in);
            readFrame(in);
            // A ping without FIN: control frames must not be fragmented (RFC 6455 section 5.5).
            writeFrame(s.getOutputStream(), 9, false, true, new byte[] {1, 2});
            assertTrue(closes(in));
        }
        anotherClientIsServed();
    }

    /**
     * 100,000 pings from a client that never reads: pongs are dropped once the socket is full, so
     * the server holds a bounded amount for it, and serves another client meanwhile.
     */
    @Test
    void aPingFloodFromAClientThatDoesNotReadIsBounded() throws Exception {
        try (Socket s = upgrade("/ws/vms/ws-vm", 16 * 1024)) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            readHeaders(in);
            readFrame(in);
            OutputStream out = s.getOutputStream();
            // Past the handshake, so that the pre-authentication timeout plays no part.
            writeFrame(out, 2, true, true, "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            readFrame(in);
            writeFrame(out, 2, true, true, new byte[] {1});
            readFrame(in);
            writeFrame(out, 2, true, true, new byte[] {1});
            readFrame(in); // ServerInit
            java.io.ByteArrayOutputStream chunk = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) writeFrame(chunk, 9, true, true, new byte[125]);
            byte[] pings = chunk.toByteArray();
            long maxPending = 0;
            for (int round = 0; round < 100; round++) { // 100,000 pings
                out.write(pings);
                if (round % 10 == 0) maxPending = Math.max(maxPending, pendingBytes());
            }
            maxPending = Math.max(maxPending, pendingBytes());
            // Netty's default write-buffer high-water mark is 64 KiB; one pong more may be queued.
            assertTrue(maxPending <= 64 * 1024 + 256, "pending " + maxPending + " bytes");
            anotherClientIsServed();
        }
    }

    private long pendingBytes() throws Exception {
        long max = 0;
        for (io.netty.channel.Channel ch : target.clients()) {
            long pending =
                    ch.eventLoop()
                            .submit(
                                    () -> {
                                        var b = ch.unsafe().outboundBuffer();
                                        return b == null ? 0L : b.totalPendingWriteBytes();
                                    })
                            .get();
            max = Math.max(max, pending);
        }
        return max;
    }
}
