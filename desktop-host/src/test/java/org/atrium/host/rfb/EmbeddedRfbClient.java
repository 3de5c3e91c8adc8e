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
    final TestKeyboard keyboard = new TestKeyboard();
    final List<int[]> keys = keyboard.keys;
    final List<int[]> pointer = new ArrayList<>();
    boolean byteWise;

    /** The body of the last Cursor pseudo-rectangle: packed pixels, then the mask bytes. */
    int[] cursorPixels;

    byte[] cursorMask;

    /** The last QEMU LED State byte, or -1. */
    int leds = -1;

    EmbeddedRfbClient(TestDisplay display, RfbSessionOptions options, ChannelHandler... first) {
        channel = new EmbeddedChannel(first);
        RfbTarget target =
                new RfbTarget(
                        "test-vm",
                        display,
                        keyboard,
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
                } else if (encoding == RfbEncoding.CURSOR) {
                    int w = header[2];
                    int h = header[3];
                    cursorPixels = new int[w * h];
                    for (int p = 0; p < w * h; p++) cursorPixels[p] = readPixel(in, pf);
                    cursorMask = new byte[(w + 7) / 8 * h];
                    in.readBytes(cursorMask);
                } else if (encoding == RfbEncoding.QEMU_LED_STATE) {
                    leds = in.readUnsignedByte();
                }
                rects.add(header);
            } else {
                rects.add(decoding.readRect(in, pf, frame, stride));
            }
        }
        return rects;
    }

    private static int readPixel(ByteBuf in, PixelFormat pf) {
        return switch (pf.bitsPerPixel()) {
            case 8 -> in.readUnsignedByte();
            case 16 -> pf.bigEndian() ? in.readUnsignedShort() : in.readUnsignedShortLE();
            default -> pf.bigEndian() ? in.readInt() : in.readIntLE();
        };
    }

    /** Reads a message that is not a FramebufferUpdate: {type, fields...}. */
    int[] readServerMessage() {
        ByteBuf in = drain();
        int type = in.readUnsignedByte();
        return switch (type) {
            case RfbSession.END_OF_CONTINUOUS_UPDATES -> new int[] {type};
            case RfbSession.SERVER_FENCE -> {
                in.skipBytes(3);
                int flags = in.readInt();
                int length = in.readUnsignedByte();
                int[] m = new int[3 + length];
                m[0] = type;
                m[1] = flags;
                m[2] = length;
                for (int i = 0; i < length; i++) m[3 + i] = in.readUnsignedByte();
                yield m;
            }
            default -> throw new AssertionError("unexpected server message " + type);
        };
    }
}
