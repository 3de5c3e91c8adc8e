package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP listener with real sockets: handshake, and hostile clients closed without harm. */
class RfbServerTcpTest {
    private final TestDisplay display = new TestDisplay(64, 48);
    private RfbServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws InterruptedException {
        server = new RfbServer(1);
        RfbTarget target = new RfbTarget("tcp-vm", display, (c, p) -> {}, (x, y, b) -> {});
        address =
                server.bindTcp(
                        new InetSocketAddress("127.0.0.1", 0),
                        target,
                        new RfbSessionOptions(null, false, Duration.ofMillis(300)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String readVersion(InputStream in) throws IOException {
        byte[] v = new byte[12];
        new DataInputStream(in).readFully(v);
        return new String(v, StandardCharsets.US_ASCII);
    }

    /** Reads until the server closes; true when it did (a read timeout fails the test). */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (true) {
            try {
                if (in.read(buf) < 0) return true;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }
    }

    @Test
    void handshakeAndFirstUpdate() throws IOException {
        display.fill(0, 0, 64, 48, 0x00ff00);
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            var out = s.getOutputStream();
            assertEquals("RFB 003.008\n", readVersion(in));
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(1, in.readUnsignedByte());
            assertEquals(1, in.readUnsignedByte());
            out.write(new byte[] {1, 1});
            assertEquals(0, in.readInt());
            assertEquals(64, in.readUnsignedShort());
            assertEquals(48, in.readUnsignedShort());
            in.skipNBytes(16);
            in.skipNBytes(in.readInt());
            out.write(new byte[] {3, 0, 0, 0, 0, 0, 0, 1, 0, 1}); // 1x1 at the origin
            assertEquals(0, in.readUnsignedByte());
            in.skipNBytes(1);
            assertEquals(1, in.readUnsignedShort());
            in.skipNBytes(12);
            assertEquals(0x00ff00, Integer.reverseBytes(in.readInt()));
        }
    }

    @Test
    void httpRequestIsClosed() throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            readVersion(s.getInputStream());
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(closedByServer(s));
        }
    }

    @Test
    void silentClientIsClosed() throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            assertEquals("RFB 003.008\n", readVersion(s.getInputStream()));
            assertTrue(closedByServer(s));
        }
    }
}
