package org.atrium.emulator.bus;

/**
 * The x86 I/O port space (64 KiB of ports) as decoded by the board. {@code size} is 1, 2 or 4
 * bytes. A read from a port no device claims returns all ones, as on a PC's ISA bus.
 */
public interface IoPorts {
    int in(int port, int size);

    void out(int port, int size, int value);
}
