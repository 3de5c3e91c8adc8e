package org.atrium.emulator.device.virtio;

/**
 * A driver broke the ring protocol (an address outside RAM, a descriptor loop, an index out of
 * range). The device then sets DEVICE_NEEDS_RESET and stops using its queues, as virtio 1.2 section
 * 2.1.2 allows; the host carries on.
 */
final class RingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RingException(String message) {
        super(message);
    }
}
