package org.atrium.emulator.input;

/**
 * Pointer events in display coordinates (pixels of the current {@link
 * org.atrium.emulator.display.DisplaySurface}); {@code buttons} is a bit mask, bit 0 the left
 * button, bit 1 the middle, bit 2 the right, bits 3 and 4 wheel up and down, as in RFB.
 */
public interface PointerInput {
    void pointer(int x, int y, int buttons);
}
