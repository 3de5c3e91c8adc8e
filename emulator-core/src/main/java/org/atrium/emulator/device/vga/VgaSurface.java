package org.atrium.emulator.device.vga;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;

/**
 * The picture of a {@link StdVga}: a 0x00RRGGBB pixel array with a dirty bitmap of {@value #TILE} x
 * {@value #TILE} tiles. The renderer writes rows through {@link #updateRow}, which compares with
 * what is already shown so only tiles whose pixels really changed become damage; {@link #flush}
 * merges dirty tiles into rectangles (runs along a tile row, then equal runs down consecutive rows)
 * and tells the listeners.
 *
 * <p>Rendering and {@link #read} synchronise on this object, so a consumer on another thread never
 * sees a half-resized array.
 *
 * <p>The pixel array exists only while someone watches: the renderer draws a surface with
 * listeners, {@link #release}s the pixels of one without (a host's unwatched desktops and a
 * console-only {@code atrium vm} keep no 3 MiB picture), and draws everything again for the next
 * listener. Until then {@link #read} gives black, as a freshly sized surface does.
 */
final class VgaSurface implements DisplaySurface {
    static final int TILE = 16;

    private final List<DisplayListener> listeners = new CopyOnWriteArrayList<>();
    private int width;
    private int height;
    private int[] pixels; // null until drawn into, and again after release()
    private int tilesX;
    private int tilesY;
    private boolean[] dirtyTiles;
    private boolean resizedPending;

    VgaSurface(int width, int height) {
        // the first flush announces the initial size, so listeners added early learn it
        resize(width, height);
    }

    @Override
    public synchronized int width() {
        return width;
    }

    @Override
    public synchronized int height() {
        return height;
    }

    @Override
    public synchronized void read(int x, int y, int w, int h, int[] dst, int offset, int stride) {
        if (x < 0 || y < 0 || w < 0 || h < 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException(
                    "rectangle "
                            + x
                            + ","
                            + y
                            + " "
                            + w
                            + "x"
                            + h
                            + " outside "
                            + width
                            + "x"
                            + height);
        }
        for (int row = 0; row < h; row++) {
            if (pixels == null) {
                Arrays.fill(dst, offset + row * stride, offset + row * stride + w, 0);
            } else {
                System.arraycopy(pixels, (y + row) * width + x, dst, offset + row * stride, w);
            }
        }
    }

    /** Whether anyone listens, and so whether the renderer should draw. */
    boolean watched() {
        return !listeners.isEmpty();
    }

    /**
     * Drops the pixels (they read black until drawn again) and any damage not yet reported. Called
     * at every refresh of an unwatched screen, so a released surface returns at once: only drawing
     * marks tiles dirty, and drawing allocates the pixels first.
     */
    synchronized void release() {
        if (pixels != null) {
            pixels = null;
            Arrays.fill(dirtyTiles, false);
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

    /** Gives the surface a new size, black, and remembers to announce it on the next flush. */
    synchronized void resize(int newWidth, int newHeight) {
        width = newWidth;
        height = newHeight;
        pixels = null;
        tilesX = (newWidth + TILE - 1) / TILE;
        tilesY = (newHeight + TILE - 1) / TILE;
        dirtyTiles = new boolean[tilesX * tilesY];
        resizedPending = true;
    }

    /**
     * Replaces {@code count} pixels of row {@code y} starting at column {@code x} with {@code
     * src[srcOffset..]}, marking the tiles whose pixels differ.
     */
    synchronized void updateRow(int y, int x, int[] src, int srcOffset, int count) {
        if (y < 0 || y >= height || x >= width) {
            return;
        }
        if (pixels == null) {
            pixels = new int[width * height];
        }
        int n = Math.min(count, width - x);
        int base = y * width;
        int tileRow = (y / TILE) * tilesX;
        int col = 0;
        while (col < n) {
            int px = x + col;
            int tileEnd = Math.min(n, col + (TILE - px % TILE));
            int from = base + px;
            int len = tileEnd - col;
            if (!Arrays.equals(
                    pixels, from, from + len, src, srcOffset + col, srcOffset + col + len)) {
                System.arraycopy(src, srcOffset + col, pixels, from, len);
                dirtyTiles[tileRow + px / TILE] = true;
            }
            col = tileEnd;
        }
    }

    /** Reports the size change (if any) and merged damage rectangles, then forgets them. */
    void flush() {
        List<int[]> rects = new ArrayList<>();
        boolean announceResize;
        int w;
        int h;
        synchronized (this) {
            announceResize = resizedPending;
            resizedPending = false;
            w = width;
            h = height;
            if (!announceResize) {
                collectRects(rects);
            }
            Arrays.fill(dirtyTiles, false);
        }
        for (DisplayListener listener : listeners) {
            if (announceResize) {
                listener.resized(w, h);
            } else {
                for (int[] r : rects) {
                    listener.damaged(r[0], r[1], r[2], r[3]);
                }
            }
        }
    }

    /** Runs of dirty tiles per tile row, merged downward while the next row has the same run. */
    private void collectRects(List<int[]> out) {
        // open runs from the previous tile row: {firstTileX, endTileX, firstTileY, rowsSoFar}
        List<int[]> open = new ArrayList<>();
        for (int ty = 0; ty <= tilesY; ty++) {
            List<int[]> runs = new ArrayList<>();
            if (ty < tilesY) {
                int tx = 0;
                while (tx < tilesX) {
                    if (!dirtyTiles[ty * tilesX + tx]) {
                        tx++;
                        continue;
                    }
                    int start = tx;
                    while (tx < tilesX && dirtyTiles[ty * tilesX + tx]) {
                        tx++;
                    }
                    runs.add(new int[] {start, tx});
                }
            }
            List<int[]> stillOpen = new ArrayList<>();
            for (int[] o : open) {
                int[] match = null;
                for (int[] run : runs) {
                    if (run[0] == o[0] && run[1] == o[1]) {
                        match = run;
                        break;
                    }
                }
                if (match != null) {
                    runs.remove(match);
                    o[3]++;
                    stillOpen.add(o);
                } else {
                    out.add(toPixels(o));
                }
            }
            for (int[] run : runs) {
                stillOpen.add(new int[] {run[0], run[1], ty, 1});
            }
            open = stillOpen;
        }
    }

    private int[] toPixels(int[] run) {
        int x = run[0] * TILE;
        int y = run[2] * TILE;
        int w = Math.min(width, run[1] * TILE) - x;
        int h = Math.min(height, (run[2] + run[3]) * TILE) - y;
        return new int[] {x, y, w, h};
    }
}
