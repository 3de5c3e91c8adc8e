package org.atrium.emulator.input;

/**
 * Key presses from the user, as PC/XT (set 1) scan codes: the code in the low byte, and 0xE0 in the
 * next byte for extended keys (0xE05B is the left Windows key), the same numbering as the RFB "QEMU
 * Extended Key Event". Using scan codes rather than key symbols lets every keyboard layout work.
 */
public interface KeyboardInput {
    void key(int xtScancode, boolean pressed);
}
