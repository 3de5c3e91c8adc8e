package org.atrium.host.rfb;

/** Pixel formats used across the tests. */
final class RgbFormats {
    static final PixelFormat RGB_565 = new PixelFormat(16, 16, false, true, 31, 63, 31, 11, 5, 0);

    private RgbFormats() {}
}
