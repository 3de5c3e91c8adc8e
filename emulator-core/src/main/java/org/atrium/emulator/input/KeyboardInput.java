package org.atrium.emulator.input;

/**
 * Key presses from the user, as PC/XT (set 1) scan codes: the code in the low byte, and 0xE0 in the
 * next byte for extended keys (0xE05B is the left Windows key), the same numbering as the RFB "QEMU
 * Extended Key Event". Using scan codes rather than key symbols lets every keyboard layout work.
 */
public interface KeyboardInput {
    void key(int xtScancode, boolean pressed);

    /** The lock LEDs as the guest last set them (see {@link KeyboardLedListener}); 0 if unknown. */
    default int leds() {
        return 0;
    }

    /** Registers a listener for LED changes; a keyboard without LEDs never calls it. */
    default void addLedListener(KeyboardLedListener listener) {}

    default void removeLedListener(KeyboardLedListener listener) {}
}
