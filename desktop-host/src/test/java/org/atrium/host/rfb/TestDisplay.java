package org.atrium.host.rfb;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;

/** A synthetic display surface: test data standing in for a VGA adapter's picture. */
class TestDisplay implements DisplaySurface {
    private int width;
    private int height;
    private int[] pixels;
    final List<DisplayListener> listeners = new CopyOnWriteArrayList<>();

    TestDisplay(int width, int height) {
        resize(width, height);
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public synchronized void read(int x, int y, int w, int h, int[] dst, int offset, int stride) {
        if (x < 0 || y < 0 || w < 0 || h < 0 || x + w > width || y + h > height) {
            throw new IndexOutOfBoundsException(x + "," + y + " " + w + "x" + h);
        }
        for (int row = 0; row < h; row++) {
            System.arraycopy(pixels, (y + row) * width + x, dst, offset + row * stride, w);
        }
    }

    @Override
    public void addListener(DisplayListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(DisplayListener listener) {
        listeners.remove(listener);
    }

    int pixel(int x, int y) {
        return pixels[y * width + x];
    }

    /** Fills a rectangle and reports it damaged, as the emulator thread would. */
    void fill(int x, int y, int w, int h, int rgb) {
        synchronized (this) {
            for (int row = y; row < y + h; row++) {
                for (int col = x; col < x + w; col++) pixels[row * width + col] = rgb;
            }
        }
        for (DisplayListener l : listeners) l.damaged(x, y, w, h);
    }

    void set(int x, int y, int rgb) {
        pixels[y * width + x] = rgb;
    }

    void resize(int w, int h) {
        synchronized (this) {
            width = w;
            height = h;
            pixels = new int[w * h];
        }
        for (DisplayListener l : listeners) l.resized(w, h);
    }

    /** A picture with gradients, noise, flat areas and a two-colour pattern: every tile kind. */
    void paintTestPattern(long seed) {
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb;
                if (y < height / 4) rgb = (x * 255 / Math.max(1, width - 1)) << 16 | y;
                else if (y < height / 2) rgb = random.nextInt(0x1000000);
                else if (y < 3 * height / 4) rgb = ((x / 3 + y / 5) % 2 == 0) ? 0x101010 : 0xf0e0d0;
                else if (x < width / 2) rgb = 0x336699;
                else rgb = new int[] {0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0}[random.nextInt(5)];
                pixels[y * width + x] = rgb;
            }
        }
    }
}
