package org.atrium.emulator.device.keyboard;

/**
 * A PS/2 mouse: bytes queued for the controller, its modes and settings, the IntelliMouse detection
 * history, and the host pointer position and movement not yet reported.
 *
 * @param recentRates the last three sample rates set, oldest first
 * @param positioned whether a host position has been seen ({@code x}, {@code y} are valid)
 * @param buttons buttons held now, PS/2 order (bit 0 left, 1 right, 2 middle)
 * @param reportedButtons buttons as last reported to the guest
 */
public record Ps2MouseState(
        byte[] queue,
        boolean reporting,
        boolean remote,
        boolean wrap,
        int sampleRate,
        int resolution,
        boolean scaling21,
        int id,
        int pendingCommand,
        int lastSent,
        int[] recentRates,
        boolean positioned,
        int x,
        int y,
        int buttons,
        int reportedButtons,
        int dx,
        int dy,
        int dz) {
    public Ps2MouseState {
        if (queue == null || queue.length > 256 || recentRates == null || recentRates.length != 3) {
            throw new IllegalArgumentException("mouse queue or rate history malformed");
        }
        if (((sampleRate | pendingCommand | lastSent) & ~0xFF) != 0 || (resolution & ~3) != 0) {
            throw new IllegalArgumentException("mouse setting out of range");
        }
        if ((id != 0 && id != 3) || ((buttons | reportedButtons) & ~7) != 0) {
            throw new IllegalArgumentException("mouse ID or buttons out of range");
        }
        queue = queue.clone();
        recentRates = recentRates.clone();
    }

    @Override
    public byte[] queue() {
        return queue.clone();
    }

    @Override
    public int[] recentRates() {
        return recentRates.clone();
    }
}
