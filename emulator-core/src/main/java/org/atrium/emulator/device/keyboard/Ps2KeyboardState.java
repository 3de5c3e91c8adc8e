package org.atrium.emulator.device.keyboard;

/**
 * A PS/2 keyboard: bytes queued for the controller, scanning on or off, a command waiting for its
 * argument, the last byte sent (for resend), the scan code set asked for and the LEDs.
 */
public record Ps2KeyboardState(
        byte[] queue,
        boolean scanning,
        int pendingCommand,
        int lastSent,
        int scanCodeSet,
        int leds) {
    public Ps2KeyboardState {
        if (queue == null || queue.length > 256) {
            throw new IllegalArgumentException("keyboard queue holds at most 256 bytes");
        }
        if (((pendingCommand | lastSent) & ~0xFF) != 0 || scanCodeSet < 1 || scanCodeSet > 3) {
            throw new IllegalArgumentException("keyboard state out of range");
        }
        if ((leds & ~7) != 0) {
            throw new IllegalArgumentException("keyboard LEDs out of range");
        }
        queue = queue.clone();
    }

    @Override
    public byte[] queue() {
        return queue.clone();
    }
}
