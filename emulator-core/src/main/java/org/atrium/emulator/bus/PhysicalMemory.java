package org.atrium.emulator.bus;

import java.lang.foreign.MemorySegment;

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

    /**
     * Guest RAM as one segment, for a CPU that reads and writes plain RAM pages directly instead of
     * through the calls above; {@code null} (the default) when there is none.
     */
    default MemorySegment directMemory() {
        return null;
    }

    /**
     * The offset in {@link #directMemory()} of the 4 KiB physical page holding {@code address}, or
     * -1 when that page is not plain RAM (ROM, devices, holes) and must go through the calls above.
     * An answer holds until {@link #mappingVersion()} changes.
     */
    default long directPage(int address) {
        return -1;
    }

    /** Changes whenever an answer of {@link #directPage} may have changed (e.g. the A20 gate). */
    default int mappingVersion() {
        return 0;
    }

    /**
     * The write tracking of {@link #directMemory()}, told of every store into it (through the calls
     * above, and the CPU's own); {@code null} (the default) when writes are not tracked, so that a
     * CPU must compare cached code with RAM each time it runs it.
     */
    default CodeWatch codeWatch() {
        return null;
    }
}
