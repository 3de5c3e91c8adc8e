package org.atrium.emulator.display;

/**
 * The picture a display adapter produces, in 0x00RRGGBB pixels, and notice of which parts changed.
 * Consumers (an RFB server, a screenshot) read pixels; they never see VGA registers or video
 * memory.
 *
 * <p>An adapter may stop drawing a surface that has no listeners (the std VGA does): subscribe
 * before reading, and expect the picture within one display refresh of subscribing; until then
 * {@link #read} may give black.
 */
public interface DisplaySurface {
    int width();

    int height();

    /**
     * Copies the pixels of the rectangle ({@code x}, {@code y}, {@code w}, {@code h}) into {@code
     * dst} starting at {@code offset}, one row every {@code stride} ints. The rectangle must lie
     * inside the surface.
     */
    void read(int x, int y, int w, int h, int[] dst, int offset, int stride);

    /** Registers a listener told, after each refresh, of changed rectangles and of size changes. */
    void addListener(DisplayListener listener);

    void removeListener(DisplayListener listener);
}
