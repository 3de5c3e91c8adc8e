package org.atrium.emulator.device.vga;

import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.display.DisplayListener;

/** Records what a surface reports, for assertions. */
final class RecordingListener implements DisplayListener {
    final List<int[]> damage = new ArrayList<>();
    final List<int[]> resizes = new ArrayList<>();

    @Override
    public void damaged(int x, int y, int w, int h) {
        damage.add(new int[] {x, y, w, h});
    }

    @Override
    public void resized(int width, int height) {
        resizes.add(new int[] {width, height});
    }

    void clear() {
        damage.clear();
        resizes.clear();
    }

    long damagedArea() {
        long area = 0;
        for (int[] r : damage) {
            area += (long) r[2] * r[3];
        }
        return area;
    }

    boolean covers(int x, int y) {
        for (int[] r : damage) {
            if (x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3]) {
                return true;
            }
        }
        return false;
    }
}
