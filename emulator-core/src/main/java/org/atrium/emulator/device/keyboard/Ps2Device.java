package org.atrium.emulator.device.keyboard;

/**
 * A device on a PS/2 port, as its controller sees it: bytes written to it, and a queue of bytes it
 * sends back, which the controller pulls one at a time when its output buffer is free.
 */
public interface Ps2Device {
    /** A byte from the host (command or argument). */
    void write(int value);

    /** Whether the device has a byte to send. */
    boolean hasData();

    /** Takes the next byte to send; only after {@link #hasData()} said yes. */
    int take();

    /** The device's power-on state. */
    void reset();
}
