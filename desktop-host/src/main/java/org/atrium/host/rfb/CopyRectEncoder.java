package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/**
 * CopyRect encoding (RFC 6143 section 7.7.2): the client copies a rectangle it already shows. The
 * display surface does not report moves yet, so the session does not emit it; it is here for when a
 * source does.
 */
public final class CopyRectEncoder {
    public void encode(Rect rect, int sourceX, int sourceY, ByteBuf out) {
        RfbEncoding.writeHeader(
                out, rect.x(), rect.y(), rect.width(), rect.height(), RfbEncoding.COPY_RECT);
        out.writeShort(sourceX).writeShort(sourceY);
    }
}
