package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Tile damage: only changed tiles, merged along rows and down columns. */
class VgaSurfaceTest {
    private static void fill(VgaSurface surface, int x, int y, int w, int h, int color) {
        int[] row = new int[w];
        Arrays.fill(row, color);
        for (int i = 0; i < h; i++) {
            surface.updateRow(y + i, x, row, 0, w);
        }
    }

    private static VgaSurface settled(int w, int h, RecordingListener listener) {
        VgaSurface surface = new VgaSurface(w, h);
        surface.addListener(listener);
        surface.flush(); // the initial size announcement
        listener.clear();
        return surface;
    }

    @Test
    void aBlockOfTilesIsOneRectangle() {
        RecordingListener listener = new RecordingListener();
        VgaSurface surface = settled(256, 256, listener);
        fill(surface, 32, 48, 64, 64, 0xFFFFFF);
        surface.flush();
        assertEquals(1, listener.damage.size());
        assertArrayEquals(new int[] {32, 48, 64, 64}, listener.damage.get(0));
    }

    @Test
    void anLShapeIsTwoRectanglesCoveringExactlyItsTiles() {
        RecordingListener listener = new RecordingListener();
        VgaSurface surface = settled(256, 256, listener);
        fill(surface, 0, 0, 48, 16, 1); // three tiles wide, one high
        fill(surface, 0, 16, 16, 32, 1); // one tile wide, two high below it
        surface.flush();
        assertEquals(2, listener.damage.size());
        assertEquals(48 * 16 + 16 * 32, listener.damagedArea());
    }

    @Test
    void unchangedPixelsAreNoDamage() {
        RecordingListener listener = new RecordingListener();
        VgaSurface surface = settled(64, 64, listener);
        fill(surface, 0, 0, 64, 64, 0); // already black
        surface.flush();
        assertTrue(listener.damage.isEmpty());
    }

    @Test
    void edgeTilesAreClippedToTheSurface() {
        RecordingListener listener = new RecordingListener();
        VgaSurface surface = settled(720, 400, listener);
        fill(surface, 719, 399, 1, 1, 5);
        surface.flush();
        assertArrayEquals(new int[] {704, 384, 16, 16}, listener.damage.get(0));
        listener.clear();
        surface.resize(50, 30);
        fill(surface, 49, 29, 1, 1, 5);
        surface.flush();
        assertEquals(1, listener.resizes.size());
        assertTrue(listener.damage.isEmpty(), "a resize already means everything changed");
        fill(surface, 0, 29, 50, 1, 7);
        surface.flush();
        assertArrayEquals(new int[] {0, 16, 50, 14}, listener.damage.get(0));
    }

    @Test
    void writesOutsideTheSurfaceAreDropped() {
        RecordingListener listener = new RecordingListener();
        VgaSurface surface = settled(32, 32, listener);
        int[] row = new int[100];
        Arrays.fill(row, 9);
        surface.updateRow(-1, 0, row, 0, 100);
        surface.updateRow(32, 0, row, 0, 100);
        surface.updateRow(0, 40, row, 0, 100);
        surface.updateRow(0, 0, row, 0, 100); // clipped to 32 pixels
        surface.flush();
        assertEquals(1, listener.damage.size());
        assertArrayEquals(new int[] {0, 0, 32, 16}, listener.damage.get(0));
    }
}
