package org.atrium.emulator.display;

/**
 * Told of changes of a {@link DisplaySurface}. Called on the emulator's thread: implementations
 * must only record the change and return (an RFB server schedules its own work).
 */
public interface DisplayListener {
    /** Pixels inside the rectangle may have changed. */
    void damaged(int x, int y, int w, int h);

    /** The surface has a new size; all of it is to be considered damaged. */
    void resized(int width, int height);
}
