package org.atrium.emulator.device.virtio;

/**
 * One split virtqueue as the device sees it (virtio 1.2, section 2.7): the size and addresses the
 * driver configured, whether it is enabled, and the device's two ring positions.
 *
 * @param size number of descriptors the driver chose (a power of two when enabled)
 * @param descriptorTable guest-physical address of the descriptor table
 * @param driverArea guest-physical address of the available ring
 * @param deviceArea guest-physical address of the used ring
 * @param lastAvailable free-running index of the next available entry the device will take
 * @param usedIndex free-running index the device publishes in the used ring
 */
public record VirtqueueState(
        int size,
        boolean enabled,
        long descriptorTable,
        long driverArea,
        long deviceArea,
        int lastAvailable,
        int usedIndex) {
    public VirtqueueState {
        if (size < 0 || size > 0xFFFF) {
            throw new IllegalArgumentException("queue size out of range: " + size);
        }
        if (enabled && (size == 0 || Integer.bitCount(size) != 1)) {
            throw new IllegalArgumentException("an enabled queue has a power-of-two size");
        }
        if (lastAvailable < 0 || lastAvailable > 0xFFFF || usedIndex < 0 || usedIndex > 0xFFFF) {
            throw new IllegalArgumentException("ring indexes are 16-bit");
        }
    }
}
