package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/**
 * LastRect pseudo-encoding (rfbproto "LastRect Pseudo-encoding"): ends an update whose header
 * announced 0xFFFF rectangles.
 */
public final class LastRectEncoder {
    public static final int UNKNOWN_COUNT = 0xffff;

    public void encode(ByteBuf out) {
        RfbEncoding.writeHeader(out, 0, 0, 0, 0, RfbEncoding.LAST_RECT);
    }
}
