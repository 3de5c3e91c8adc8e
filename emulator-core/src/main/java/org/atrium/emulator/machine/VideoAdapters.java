package org.atrium.emulator.machine;

/** Where the board gets its display adapter. */
final class VideoAdapters {
    private VideoAdapters() {}

    /**
     * The standard VGA, or {@code null} while {@code device.vga.StdVga} is not merged into this
     * branch: the board then has no display adapter and shows a blank screen.
     */
    static VideoAdapter standard() {
        return null;
    }
}
