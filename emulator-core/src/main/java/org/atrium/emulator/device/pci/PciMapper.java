package org.atrium.emulator.device.pci;

import org.atrium.emulator.bus.BusDevice;

/**
 * Where a PCI function's decoders take effect: the board's memory and I/O maps. A function calls it
 * whenever a BAR moves or its decoding is switched on or off.
 */
public interface PciMapper {
    /** Decodes {@code [base, base + size)} of memory (or I/O) space to {@code target}. */
    void map(BusDevice target, boolean io, long base, long size);

    /** Stops decoding {@code target}'s window. */
    void unmap(BusDevice target, boolean io);
}
