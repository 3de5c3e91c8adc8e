package org.atrium.emulator.bus;

/**
 * A chip as the board sees it: a window of registers addressed by an offset inside the device's own
 * range. The board maps port or memory ranges onto it; the device never learns its absolute
 * address. {@code size} is 1, 2 or 4 bytes.
 */
public interface BusDevice {
    int read(int offset, int size);

    void write(int offset, int size, int value);
}
