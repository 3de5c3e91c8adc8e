package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/**
 * ExtendedDesktopSize pseudo-encoding (rfbproto "ExtendedDesktopSize Pseudo-encoding"): the size
 * and a single screen covering it. {@code reason} goes in x (0 server, 1 this client, 2 another
 * client), {@code status} in y (0 ok, 1 prohibited, 3 invalid screen layout).
 */
public final class ExtendedDesktopSizeEncoder {
    public static final int REASON_SERVER = 0;
    public static final int REASON_THIS_CLIENT = 1;
    public static final int STATUS_OK = 0;
    public static final int STATUS_PROHIBITED = 1;
    public static final int STATUS_INVALID_LAYOUT = 3;

    public void encode(int reason, int status, int width, int height, ByteBuf out) {
        RfbEncoding.writeHeader(
                out, reason, status, width, height, RfbEncoding.EXTENDED_DESKTOP_SIZE);
        out.writeByte(1).writeZero(3); // one screen, padding
        out.writeInt(0).writeShort(0).writeShort(0); // screen id, x, y
        out.writeShort(width).writeShort(height).writeInt(0); // size, flags
    }
}
