package org.atrium.host.rfb;

/** A screen rectangle in pixels; empty when width or height is zero. */
public record Rect(int x, int y, int width, int height) {

    public boolean isEmpty() {
        return width <= 0 || height <= 0;
    }

    /** The part of this rectangle inside {@code other}, possibly empty. */
    public Rect intersect(Rect other) {
        int x0 = Math.max(x, other.x);
        int y0 = Math.max(y, other.y);
        long x1 = Math.min((long) x + width, (long) other.x + other.width);
        long y1 = Math.min((long) y + height, (long) other.y + other.height);
        if (x1 <= x0 || y1 <= y0) return new Rect(0, 0, 0, 0);
        return new Rect(x0, y0, (int) (x1 - x0), (int) (y1 - y0));
    }

    public Rect union(Rect other) {
        if (isEmpty()) return other;
        if (other.isEmpty()) return this;
        int x0 = Math.min(x, other.x);
        int y0 = Math.min(y, other.y);
        int x1 = Math.max(x + width, other.x + other.width);
        int y1 = Math.max(y + height, other.y + other.height);
        return new Rect(x0, y0, x1 - x0, y1 - y0);
    }

    public boolean contains(Rect other) {
        return other.x >= x
                && other.y >= y
                && other.x + other.width <= x + width
                && other.y + other.height <= y + height;
    }
}
