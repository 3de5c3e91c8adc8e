package org.atrium.emulator.bus;

/**
 * The CPU's view of the physical address space (RAM, ROM, memory-mapped devices), as decoded by the
 * board. Addresses are 32-bit physical addresses carried in an {@code int} and treated as unsigned.
 * Values are little-endian; reads return the value zero-extended into an {@code int}.
 */
public interface PhysicalMemory {
    int read8(int address);

    int read16(int address);

    int read32(int address);

    void write8(int address, int value);

    void write16(int address, int value);

    void write32(int address, int value);
}
