package org.atrium.emulator.bus;

/**
 * An I/O space with nothing on it, for tests whose code does not use ports: reads float high, as on
 * an empty ISA bus, and writes go nowhere.
 */
public final class NoPorts implements IoPorts {
    @Override
    public int in(int port, int size) {
        return -1;
    }

    @Override
    public void out(int port, int size, int value) {}
}
