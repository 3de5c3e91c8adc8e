package org.atrium.host.rfb;

import java.util.ArrayList;
import java.util.List;

/**
 * Damaged rectangles waiting to be sent to one client. Written by the emulator thread, drained by
 * the client's event loop; bounded: past {@link #MAX_RECTS} rectangles it collapses into their
 * bounding box, so a client that reads slowly costs a fixed amount of memory.
 */
final class DamageRegion {
    static final int MAX_RECTS = 64;

    private final List<Rect> rects = new ArrayList<>();

    synchronized void add(Rect rect) {
        if (rect.isEmpty()) return;
        for (Rect r : rects) {
            if (r.contains(rect)) return;
        }
        rects.removeIf(rect::contains);
        rects.add(rect);
        if (rects.size() > MAX_RECTS) {
            Rect box = new Rect(0, 0, 0, 0);
            for (Rect r : rects) box = box.union(r);
            rects.clear();
            rects.add(box);
        }
    }

    synchronized int size() {
        return rects.size();
    }

    /**
     * Removes and returns the damage inside {@code area}, each rectangle clipped to it. Rectangles
     * reaching outside {@code area} stay queued whole: they are sent again later, which costs bytes
     * but never loses a change.
     */
    synchronized List<Rect> take(Rect area) {
        List<Rect> out = new ArrayList<>();
        List<Rect> keep = new ArrayList<>();
        for (Rect r : rects) {
            Rect clipped = r.intersect(area);
            if (!clipped.isEmpty()) out.add(clipped);
            if (!area.contains(r) && !clipped.equals(r)) keep.add(r);
        }
        rects.clear();
        rects.addAll(keep);
        return out;
    }

    synchronized void clear() {
        rects.clear();
    }
}
