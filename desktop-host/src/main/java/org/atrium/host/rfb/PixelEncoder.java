package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;

/** An encoding of rectangle pixels; one class per encoding. */
public sealed interface PixelEncoder permits RawEncoder, HextileEncoder, ZrleEncoder, TightEncoder {

    int encoding();

    /**
     * Writes the headers and data of the rectangles that cover {@code rect}, whose 0x00RRGGBB
     * pixels are {@code pixels}, row by row, {@code rect.width()} per row; returns how many
     * FramebufferUpdate rectangles it wrote (one for most encodings; Tight splits by content).
     */
    int encode(Rect rect, int[] pixels, PixelFormat format, ByteBuf out);
}
