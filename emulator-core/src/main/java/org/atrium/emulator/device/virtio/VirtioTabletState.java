package org.atrium.emulator.device.virtio;

import java.util.List;
import org.atrium.emulator.device.pci.PciFunctionState;

/**
 * A virtio tablet: its PCI configuration space, the virtio-pci common configuration registers
 * (virtio 1.2, section 4.1.4.3), the interrupt status, the virtio-input configuration selector
 * (section 5.8.4), both queues, and the pointer as last reported to the driver with the events
 * still waiting for buffers.
 *
 * @param deviceStatus the device status byte (section 2.1)
 * @param interruptStatus the ISR status bits (bit 0 queue, bit 1 configuration)
 * @param pendingEvents events not yet delivered, each {@code type << 48 | code << 32 | value}
 */
public record VirtioTabletState(
        PciFunctionState function,
        int deviceFeatureSelect,
        int driverFeatureSelect,
        long driverFeatures,
        int deviceStatus,
        int interruptStatus,
        int queueSelect,
        int configSelect,
        int configSubselect,
        List<VirtqueueState> queues,
        int x,
        int y,
        int buttons,
        long[] pendingEvents) {
    public VirtioTabletState {
        if (function == null || queues == null || pendingEvents == null) {
            throw new IllegalArgumentException("tablet state is incomplete");
        }
        if (queues.size() != VirtioTablet.QUEUES) {
            throw new IllegalArgumentException("a tablet has " + VirtioTablet.QUEUES + " queues");
        }
        if (pendingEvents.length > VirtioTablet.MAX_PENDING) {
            throw new IllegalArgumentException("too many pending events");
        }
        if ((deviceStatus & ~0xFF) != 0
                || (interruptStatus & ~0x3) != 0
                || (queueSelect & ~0xFFFF) != 0
                || (configSelect & ~0xFF) != 0
                || (configSubselect & ~0xFF) != 0) {
            throw new IllegalArgumentException("tablet register out of range");
        }
        queues = List.copyOf(queues);
        pendingEvents = pendingEvents.clone();
    }

    @Override
    public long[] pendingEvents() {
        return pendingEvents.clone();
    }
}
