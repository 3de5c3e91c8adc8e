package org.atrium.emulator.device.virtio;

/**
 * The device side of one split virtqueue (virtio 1.2, section 2.7): takes descriptor chains from
 * the available ring, writes into their device-writable buffers, and returns them on the used ring.
 * Everything read from guest memory is checked: heads and {@code next} fields must index the table,
 * a chain may not be longer than the queue (which catches loops), and the available index may not
 * run more than a queue size ahead.
 *
 * <p>Left out: packed virtqueues, indirect descriptors and event suppression by index
 * (VIRTIO_F_RING_PACKED, VIRTIO_F_INDIRECT_DESC and VIRTIO_F_EVENT_IDX are never offered); the
 * available ring's NO_INTERRUPT flag is honoured.
 */
final class Virtqueue {
    static final int MAX_SIZE = 64;

    private static final int DESC_F_NEXT = 1;
    private static final int DESC_F_WRITE = 2;
    private static final int DESC_F_INDIRECT = 4;
    private static final int AVAIL_F_NO_INTERRUPT = 1;

    private final GuestRam ram;
    private int size = MAX_SIZE;
    private boolean enabled;
    private long descriptorTable;
    private long driverArea;
    private long deviceArea;
    private int lastAvailable;
    private int usedIndex;

    Virtqueue(GuestRam ram) {
        this.ram = ram;
    }

    void reset() {
        size = MAX_SIZE;
        enabled = false;
        descriptorTable = 0;
        driverArea = 0;
        deviceArea = 0;
        lastAvailable = 0;
        usedIndex = 0;
    }

    int size() {
        return size;
    }

    void size(int value) {
        if (!enabled) {
            size = value & 0xFFFF;
        }
    }

    boolean enabled() {
        return enabled;
    }

    /** Enables the queue; a size that is not a power of two up to {@link #MAX_SIZE} is refused. */
    void enable() {
        if (size == 0 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new RingException("queue size " + size + " is not a power of two up to 64");
        }
        enabled = true;
    }

    long descriptorTable() {
        return descriptorTable;
    }

    long driverArea() {
        return driverArea;
    }

    long deviceArea() {
        return deviceArea;
    }

    void descriptorTable(long value) {
        if (!enabled) {
            descriptorTable = value;
        }
    }

    void driverArea(long value) {
        if (!enabled) {
            driverArea = value;
        }
    }

    void deviceArea(long value) {
        if (!enabled) {
            deviceArea = value;
        }
    }

    /** Chains the driver has made available and the device has not taken yet. */
    int available() {
        if (!enabled) {
            return 0;
        }
        int pending = (ram.read16(driverArea + 2) - lastAvailable) & 0xFFFF;
        if (pending > size) {
            throw new RingException("available index ran " + pending + " entries ahead");
        }
        return pending;
    }

    /**
     * Takes the next available chain, writes {@code data} into its device-writable buffers (as far
     * as they reach) and puts it on the used ring; returns the bytes written. Call only when {@link
     * #available()} is positive.
     */
    int fill(byte[] data) {
        int head = ram.read16(driverArea + 4 + 2L * (lastAvailable % size));
        lastAvailable = (lastAvailable + 1) & 0xFFFF;
        int written = 0;
        int index = head;
        for (int steps = 0; ; steps++) {
            if (index >= size || steps >= size) {
                throw new RingException("descriptor chain from " + head + " is broken or loops");
            }
            long entry = descriptorTable + 16L * index;
            long address = ram.read64(entry);
            int length = ram.read32(entry + 8);
            int flags = ram.read16(entry + 12);
            if ((flags & DESC_F_INDIRECT) != 0) {
                throw new RingException("indirect descriptor, never negotiated");
            }
            if ((flags & DESC_F_WRITE) != 0 && written < data.length) {
                int n = (int) Math.min(length & 0xFFFF_FFFFL, data.length - written);
                ram.check(address, n);
                for (int i = 0; i < n; i++) {
                    ram.write8(address + i, data[written + i]);
                }
                written += n;
            }
            if ((flags & DESC_F_NEXT) == 0) {
                break;
            }
            index = ram.read16(entry + 14);
        }
        long element = deviceArea + 4 + 8L * (usedIndex % size);
        ram.write32(element, head);
        ram.write32(element + 4, written);
        usedIndex = (usedIndex + 1) & 0xFFFF;
        ram.write16(deviceArea + 2, usedIndex);
        return written;
    }

    /** Whether the driver wants an interrupt for used buffers (its NO_INTERRUPT flag is clear). */
    boolean wantsInterrupt() {
        return (ram.read16(driverArea) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    VirtqueueState snapshot() {
        return new VirtqueueState(
                size, enabled, descriptorTable, driverArea, deviceArea, lastAvailable, usedIndex);
    }

    void restore(VirtqueueState state) {
        size = state.size();
        enabled = state.enabled();
        if (enabled && size > MAX_SIZE) {
            throw new IllegalArgumentException("queue size " + size + " above " + MAX_SIZE);
        }
        descriptorTable = state.descriptorTable();
        driverArea = state.driverArea();
        deviceArea = state.deviceArea();
        lastAvailable = state.lastAvailable();
        usedIndex = state.usedIndex();
    }
}
