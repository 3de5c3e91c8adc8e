package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/** DesktopSize pseudo-encoding (RFC 6143 section 7.8.2): the framebuffer has a new size. */
public final class DesktopSizeEncoder {
    public void encode(int width, int height, ByteBuf out) {
        RfbEncoding.writeHeader(out, 0, 0, width, height, RfbEncoding.DESKTOP_SIZE);
    }
}
