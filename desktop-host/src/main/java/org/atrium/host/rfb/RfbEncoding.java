package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/** Encoding numbers (RFC 6143 section 7.7 and the community rfbproto register). */
public final class RfbEncoding {
    public static final int RAW = 0;
    public static final int COPY_RECT = 1;
    public static final int HEXTILE = 5;
    public static final int TIGHT = 7;
    public static final int ZRLE = 16;

    /** JPEG quality level 0 (-32) to 9 (-23), a Tight pseudo-encoding. */
    public static final int QUALITY_LEVEL_0 = -32;

    public static final int QUALITY_LEVEL_9 = -23;

    /** zlib compression level 0 (-256) to 9 (-247), a Tight pseudo-encoding. */
    public static final int COMPRESS_LEVEL_0 = -256;

    public static final int COMPRESS_LEVEL_9 = -247;
    public static final int DESKTOP_SIZE = -223;
    public static final int CURSOR = -239;
    public static final int LAST_RECT = -224;
    public static final int QEMU_EXTENDED_KEY_EVENT = -258;
    public static final int QEMU_LED_STATE = -261;
    public static final int DESKTOP_NAME = -307;
    public static final int EXTENDED_DESKTOP_SIZE = -308;
    public static final int FENCE = -312;
    public static final int CONTINUOUS_UPDATES = -313;

    private RfbEncoding() {}

    /** A FramebufferUpdate rectangle header. */
    static void writeHeader(ByteBuf out, int x, int y, int width, int height, int encoding) {
        out.writeShort(x).writeShort(y).writeShort(width).writeShort(height).writeInt(encoding);
    }
}
