package org.atrium.emulator.input;

/**
 * Told when the guest sets the keyboard's lock LEDs. Called on the machine's thread; a listener
 * must return quickly and hand work elsewhere.
 */
@FunctionalInterface
public interface KeyboardLedListener {
    /**
     * @param leds bit 0 scroll lock, bit 1 num lock, bit 2 caps lock (the PS/2 0xED argument and
     *     the RFB QEMU LED State byte use the same bits)
     */
    void ledsChanged(int leds);
}
