package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Drives an {@link RfbSession} in an {@link EmbeddedChannel} as a client would. */
final class EmbeddedRfbClient {
    final EmbeddedChannel channel;
    final ByteBuf received = Unpooled.buffer();
    final List<int[]> keys = new ArrayList<>();
    final List<int[]> pointer = new ArrayList<>();
    boolean byteWise;

    EmbeddedRfbClient(TestDisplay display, RfbSessionOptions options, ChannelHandler... first) {
        channel = new EmbeddedChannel(first);
        RfbTarget target =
                new RfbTarget(
                        "test-vm",
                        display,
                        (code, pressed) -> keys.add(new int[] {code, pressed ? 1 : 0}),
                        (x, y, buttons) -> pointer.add(new int[] {x, y, buttons}));
        RfbSession.install(channel.pipeline(), target, options);
    }

    /** A client of a target shared with other clients (its name must be "test-vm"). */
    EmbeddedRfbClient(RfbTarget target, RfbSessionOptions options) {
        channel = new EmbeddedChannel();
        RfbSession.install(channel.pipeline(), target, options);
    }

    void send(byte[] bytes) {
        if (byteWise) {
            for (byte b : bytes) {
                if (!channel.isActive()) break; // a closed connection receives nothing more
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
    }

    void send(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        send(bytes);
    }

    void sendAscii(String s) {
        send(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Everything the server wrote so far, appended to {@link #received}. */
    ByteBuf drain() {
        channel.runPendingTasks();
        Object m;
        while ((m = channel.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) m;
            received.writeBytes(b);
            b.release();
        }
        return received;
    }

    String readAscii(int n) {
        return drain().readCharSequence(n, StandardCharsets.US_ASCII).toString();
    }

    /** Version 3.8, security None, shared ClientInit; returns the framebuffer size. */
    int[] handshake() {
        assertEquals("RFB 003.008\n", readAscii(12));
        sendAscii("RFB 003.008\n");
        assertEquals(1, drain().readUnsignedByte());
        assertEquals(RfbSecurity.NONE, received.readUnsignedByte());
        send(new byte[] {1});
        assertEquals(0, drain().readInt());
        send(new byte[] {1});
        return readServerInit();
    }

    int[] readServerInit() {
        ByteBuf in = drain();
        int w = in.readUnsignedShort();
        int h = in.readUnsignedShort();
        assertEquals(PixelFormat.SERVER_DEFAULT, PixelFormat.read(in));
        int len = in.readInt();
        assertEquals("test-vm", in.readCharSequence(len, StandardCharsets.UTF_8).toString());
        return new int[] {w, h};
    }

    void setEncodings(int... encodings) {
        ByteBuf b = Unpooled.buffer().writeByte(2).writeByte(0).writeShort(encodings.length);
        for (int e : encodings) b.writeInt(e);
        send(b);
    }

    void setPixelFormat(PixelFormat pf) {
        ByteBuf b = Unpooled.buffer().writeByte(0).writeZero(3);
        pf.write(b);
        send(b);
    }

    void request(boolean incremental, int x, int y, int w, int h) {
        send(
                Unpooled.buffer()
                        .writeByte(3)
                        .writeByte(incremental ? 1 : 0)
                        .writeShort(x)
                        .writeShort(y)
                        .writeShort(w)
                        .writeShort(h));
    }

    /** Reads one FramebufferUpdate, decoding its rectangles into {@code frame}. */
    List<int[]> readUpdate(PixelFormat pf, int[] frame, int stride, TestRfbDecoding decoding) {
        ByteBuf in = drain();
        assertEquals(0, in.readUnsignedByte(), "message type");
        in.skipBytes(1);
        int count = in.readUnsignedShort();
        List<int[]> rects = new ArrayList<>();
        for (int i = 0; count == 0xffff || i < count; i++) {
            int encoding = in.getInt(in.readerIndex() + 8);
            if (encoding == RfbEncoding.LAST_RECT) {
                in.skipBytes(12);
                break;
            }
            if (encoding < 0) {
                int[] header = {
                    in.readUnsignedShort(),
                    in.readUnsignedShort(),
                    in.readUnsignedShort(),
                    in.readUnsignedShort(),
                    in.readInt()
                };
                if (encoding == RfbEncoding.EXTENDED_DESKTOP_SIZE) {
                    int screens = in.readUnsignedByte();
                    in.skipBytes(3 + 16 * screens);
                }
                rects.add(header);
            } else {
                rects.add(decoding.readRect(in, pf, frame, stride));
            }
        }
        return rects;
    }
}
