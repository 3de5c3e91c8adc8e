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
     * Removes and returns the damage inside {@code area}, each rectangle clipped to it. The parts
     * of a rectangle outside {@code area} stay queued (up to four strips), so nothing is lost and
     * nothing already sent is sent again: a standing request for part of the screen (continuous
     * updates) must not find its own area damaged forever.
     */
    synchronized List<Rect> take(Rect area) {
        List<Rect> out = new ArrayList<>();
        List<Rect> keep = new ArrayList<>();
        for (Rect r : rects) {
            Rect clipped = r.intersect(area);
            if (clipped.isEmpty()) {
                keep.add(r);
                continue;
            }
            out.add(clipped);
            int right = r.x() + r.width();
            int bottom = r.y() + r.height();
            int clipRight = clipped.x() + clipped.width();
            int clipBottom = clipped.y() + clipped.height();
            keep.add(new Rect(r.x(), r.y(), r.width(), clipped.y() - r.y())); // above
            keep.add(new Rect(r.x(), clipBottom, r.width(), bottom - clipBottom)); // below
            keep.add(new Rect(r.x(), clipped.y(), clipped.x() - r.x(), clipped.height())); // left
            keep.add(new Rect(clipRight, clipped.y(), right - clipRight, clipped.height()));
        }
        rects.clear();
        for (Rect r : keep) {
            if (!r.isEmpty()) rects.add(r);
        }
        return out;
    }

    synchronized void clear() {
        rects.clear();
    }
}
