package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** DesktopName pseudo-encoding (rfbproto "DesktopName Pseudo-encoding"): a new UTF-8 name. */
public final class DesktopNameEncoder {
    public void encode(String name, ByteBuf out) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        RfbEncoding.writeHeader(out, 0, 0, 0, 0, RfbEncoding.DESKTOP_NAME);
        out.writeInt(bytes.length).writeBytes(bytes);
    }
}
