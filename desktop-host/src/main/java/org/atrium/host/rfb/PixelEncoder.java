package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/** An encoding of rectangle pixels; one class per encoding. */
public sealed interface PixelEncoder permits RawEncoder, HextileEncoder, ZrleEncoder, TightEncoder {

    int encoding();

    /**
     * Writes the header and data of one rectangle whose 0x00RRGGBB pixels are {@code pixels}, row
     * by row, {@code rect.width()} per row.
     */
    void encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out);

    /** How many FramebufferUpdate rectangles {@link #encode} writes for {@code rect}. */
    default int rectangleCount(Rect rect) {
        return 1;
    }
}
