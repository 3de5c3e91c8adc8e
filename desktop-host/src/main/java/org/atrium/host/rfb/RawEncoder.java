package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/** Raw encoding (RFC 6143 section 7.7.1): every pixel in the client's format. */
public final class RawEncoder implements PixelEncoder {
    @Override
    public int encoding() {
        return RfbEncoding.RAW;
    }

    @Override
    public int encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out) {
        RfbEncoding.writeHeader(
                out, rect.x(), rect.y(), rect.width(), rect.height(), RfbEncoding.RAW);
        int count = rect.width() * rect.height();
        out.ensureWritable(count * format.bytesPerPixel());
        for (int i = 0; i < count; i++) format.writePixel(out, format.pack(pixels[i]));
        return 1;
    }
}
