package org.atrium.emulator.machine;

import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;

/** The screen of a board without a display adapter: 640x480, black, never changing. */
final class BlankDisplay implements DisplaySurface {
    @Override
    public int width() {
        return 640;
    }

    @Override
    public int height() {
        return 480;
    }

    @Override
    public void read(int x, int y, int w, int h, int[] dst, int offset, int stride) {
        if (x < 0 || y < 0 || w < 0 || h < 0 || x + w > width() || y + h > height()) {
            throw new IndexOutOfBoundsException("rectangle outside the surface");
        }
        for (int row = 0; row < h; row++) {
            java.util.Arrays.fill(dst, offset + row * stride, offset + row * stride + w, 0);
        }
    }

    @Override
    public void addListener(DisplayListener listener) {}

    @Override
    public void removeListener(DisplayListener listener) {}
}
