package org.atrium.emulator.device.virtio;

import org.atrium.emulator.bus.PhysicalMemory;

/**
 * Guest RAM as a bus-master device reaches it: only addresses inside RAM are accepted, so a ring
 * address the driver made up can neither reach device registers (our own BAR included) nor wrap
 * around the 32-bit space. Everything else is a {@link RingException}.
 */
final class GuestRam {
    private final PhysicalMemory memory;
    private final long limit;

    /**
     * @param limit bytes of RAM from address 0 the device may touch
     */
    GuestRam(PhysicalMemory memory, long limit) {
        this.memory = memory;
        this.limit = limit;
    }

    void check(long address, long length) {
        if (address < 0 || length < 0 || address > limit || length > limit - address) {
            throw new RingException(
                    String.format("guest address 0x%x+%d outside RAM", address, length));
        }
    }

    int read16(long address) {
        check(address, 2);
        return memory.read16((int) address) & 0xFFFF;
    }

    int read32(long address) {
        check(address, 4);
        return memory.read32((int) address);
    }

    long read64(long address) {
        check(address, 8);
        return (memory.read32((int) address) & 0xFFFF_FFFFL)
                | ((long) memory.read32((int) address + 4) << 32);
    }

    void write8(long address, int value) {
        check(address, 1);
        memory.write8((int) address, value);
    }

    void write16(long address, int value) {
        check(address, 2);
        memory.write16((int) address, value);
    }

    void write32(long address, int value) {
        check(address, 4);
        memory.write32((int) address, value);
    }
}
