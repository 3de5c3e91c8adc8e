package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads client-to-server messages (RFC 6143 section 7.5, the QEMU client message and
 * SetDesktopSize). A message is taken only when all of it has arrived, so input fed one byte at a
 * time decodes the same. Lengths come from the client and are never trusted for allocation: cut
 * text over {@link #MAX_CUT_TEXT} bytes (either form), Fence payloads over 64 bytes, malformed
 * Extended Clipboard messages and unknown message types end the connection, since the stream cannot
 * be resynchronised.
 */
public final class ClientMessageDecoder extends ByteToMessageDecoder {
    /** Largest clipboard text accepted; the guest has no clipboard yet, so this is generous. */
    public static final int MAX_CUT_TEXT = 1 << 20;

    static final int SET_PIXEL_FORMAT = 0;
    static final int SET_ENCODINGS = 2;
    static final int FRAMEBUFFER_UPDATE_REQUEST = 3;
    static final int KEY_EVENT = 4;
    static final int POINTER_EVENT = 5;
    static final int CLIENT_CUT_TEXT = 6;

    /** The Fence extension allows at most 64 payload bytes. */
    static final int MAX_FENCE_PAYLOAD = 64;

    static final int ENABLE_CONTINUOUS_UPDATES = 150;
    static final int FENCE = 248;
    static final int SET_DESKTOP_SIZE = 251;
    static final int QEMU = 255;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            RfbClientMessage message = decodeOne(in);
            if (message == null) return;
            out.add(message);
        }
    }

    /** One message, or null (reader index untouched) when it has not fully arrived. */
    private static RfbClientMessage decodeOne(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        int type = in.getUnsignedByte(start);
        switch (type) {
            case SET_PIXEL_FORMAT -> {
                if (available < 20) return null;
                in.skipBytes(4);
                return new RfbClientMessage.SetPixelFormat(PixelFormat.read(in));
            }
            case SET_ENCODINGS -> {
                if (available < 4) return null;
                int count = in.getUnsignedShort(start + 2);
                // A count that lies only makes this client wait; at most 256 KiB is buffered.
                if (available < 4 + 4 * count) return null;
                in.skipBytes(4);
                int[] encodings = new int[count];
                for (int i = 0; i < count; i++) encodings[i] = in.readInt();
                return new RfbClientMessage.SetEncodings(encodings);
            }
            case FRAMEBUFFER_UPDATE_REQUEST -> {
                if (available < 10) return null;
                in.skipBytes(1);
                return new RfbClientMessage.FramebufferUpdateRequest(
                        in.readUnsignedByte() != 0,
                        in.readUnsignedShort(),
                        in.readUnsignedShort(),
                        in.readUnsignedShort(),
                        in.readUnsignedShort());
            }
            case KEY_EVENT -> {
                if (available < 8) return null;
                in.skipBytes(1);
                boolean down = in.readUnsignedByte() != 0;
                in.skipBytes(2);
                return new RfbClientMessage.KeyEvent(down, in.readInt());
            }
            case POINTER_EVENT -> {
                if (available < 6) return null;
                in.skipBytes(1);
                return new RfbClientMessage.PointerEvent(
                        in.readUnsignedByte(), in.readUnsignedShort(), in.readUnsignedShort());
            }
            case CLIENT_CUT_TEXT -> {
                if (available < 8) return null;
                int signedLength = in.getInt(start + 4);
                // Negative means the Extended Clipboard form, whose payload is -length bytes.
                long length = signedLength < 0 ? -(long) signedLength : signedLength;
                if (length > MAX_CUT_TEXT) {
                    throw new RfbProtocolException(
                            "ClientCutText of "
                                    + length
                                    + " bytes exceeds the limit of "
                                    + MAX_CUT_TEXT);
                }
                if (available < 8 + length) return null;
                in.skipBytes(8);
                if (signedLength < 0) {
                    return ExtendedClipboard.read(in.readSlice((int) length));
                }
                String text =
                        in.readCharSequence((int) length, StandardCharsets.ISO_8859_1).toString();
                return new RfbClientMessage.ClientCutText(text);
            }
            case FENCE -> {
                if (available < 9) return null;
                int length = in.getUnsignedByte(start + 8);
                if (length > MAX_FENCE_PAYLOAD) {
                    throw new RfbProtocolException(
                            "Fence payload of " + length + " bytes exceeds " + MAX_FENCE_PAYLOAD);
                }
                if (available < 9 + length) return null;
                in.skipBytes(4);
                int flags = in.readInt();
                in.skipBytes(1);
                byte[] payload = new byte[length];
                in.readBytes(payload);
                return new RfbClientMessage.Fence(flags, payload);
            }
            case ENABLE_CONTINUOUS_UPDATES -> {
                if (available < 10) return null;
                in.skipBytes(1);
                return new RfbClientMessage.EnableContinuousUpdates(
                        in.readUnsignedByte() != 0,
                        in.readUnsignedShort(),
                        in.readUnsignedShort(),
                        in.readUnsignedShort(),
                        in.readUnsignedShort());
            }
            case SET_DESKTOP_SIZE -> {
                if (available < 8) return null;
                int screens = in.getUnsignedByte(start + 6);
                if (available < 8 + 16 * screens) return null;
                in.skipBytes(2);
                int width = in.readUnsignedShort();
                int height = in.readUnsignedShort();
                in.skipBytes(2 + 16 * screens);
                return new RfbClientMessage.SetDesktopSize(width, height, screens);
            }
            case QEMU -> {
                if (available < 2) return null;
                int subtype = in.getUnsignedByte(start + 1);
                if (subtype != 0) {
                    throw new RfbProtocolException("unsupported QEMU client message " + subtype);
                }
                if (available < 12) return null;
                in.skipBytes(2);
                boolean down = in.readUnsignedShort() != 0;
                int keysym = in.readInt();
                int keycode = in.readInt();
                return new RfbClientMessage.QemuKeyEvent(down, keysym, keycode);
            }
            default -> throw new RfbProtocolException("unknown client message type " + type);
        }
    }
}
