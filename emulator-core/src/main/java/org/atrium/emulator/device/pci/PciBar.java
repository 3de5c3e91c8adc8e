package org.atrium.emulator.device.pci;

import org.atrium.emulator.bus.BusDevice;

/**
 * One base address register of a PCI function: a power-of-two sized window of memory or I/O space
 * that the function decodes to {@code target} wherever the firmware places it.
 *
 * @param size window size in bytes, a power of two (at least 16 for memory, 4 for I/O)
 * @param io whether it lives in I/O space rather than memory space
 * @param prefetchable memory BARs only: whether reads have no side effects (a framebuffer)
 * @param target what the window decodes to, addressed from offset 0
 */
public record PciBar(long size, boolean io, boolean prefetchable, BusDevice target) {
    public PciBar {
        if (Long.bitCount(size) != 1 || size < (io ? 4 : 16) || size > (io ? 256 : 1L << 31)) {
            throw new IllegalArgumentException("BAR size must be a power of two in range: " + size);
        }
        if (io && prefetchable) {
            throw new IllegalArgumentException("an I/O BAR cannot be prefetchable");
        }
    }

    public static PciBar memory(long size, boolean prefetchable, BusDevice target) {
        return new PciBar(size, false, prefetchable, target);
    }

    public static PciBar io(long size, BusDevice target) {
        return new PciBar(size, true, false, target);
    }
}
