package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the 12-byte ProtocolVersion ("RFB 003.008\n", RFC 6143 section 7.1.1). Minor versions 3 and
 * 7 are served as such, 8 and above as 3.8, anything else as 3.3, as the RFC asks. Bytes that are
 * not a version string (an HTTP request, garbage) end the connection.
 */
public final class ProtocolVersionDecoder extends ByteToMessageDecoder {
    static final int LENGTH = 12;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // Fail early on garbage: every prefix must match "RFB ddd.ddd\n".
        int available = Math.min(in.readableBytes(), LENGTH);
        for (int i = 0; i < available; i++) {
            int b = in.getUnsignedByte(in.readerIndex() + i);
            if (!matches(i, b)) {
                throw new RfbProtocolException(
                        "not an RFB ProtocolVersion: "
                                + printable(in, in.readerIndex(), available));
            }
        }
        if (in.readableBytes() < LENGTH) return;
        String text = in.readCharSequence(LENGTH, StandardCharsets.US_ASCII).toString();
        int major = Integer.parseInt(text.substring(4, 7));
        int minor = Integer.parseInt(text.substring(8, 11));
        if (major != 3) {
            throw new RfbProtocolException("unsupported RFB major version " + major);
        }
        out.add(new RfbHandshake.ClientVersion(minor >= 8 ? 8 : minor == 7 ? 7 : 3));
    }

    private static boolean matches(int index, int b) {
        return switch (index) {
            case 0 -> b == 'R';
            case 1 -> b == 'F';
            case 2 -> b == 'B';
            case 3 -> b == ' ';
            case 7 -> b == '.';
            case 11 -> b == '\n';
            default -> b >= '0' && b <= '9';
        };
    }

    private static String printable(ByteBuf in, int from, int length) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < length; i++) {
            int b = in.getUnsignedByte(from + i);
            if (b >= 0x20 && b < 0x7f) s.append((char) b);
            else s.append(String.format("\\x%02x", b));
        }
        return s.append('"').toString();
    }
}
