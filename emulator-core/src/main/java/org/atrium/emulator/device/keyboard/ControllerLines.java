package org.atrium.emulator.device.keyboard;

/** The output-port lines of an 8042 that leave the keyboard controller. */
public interface ControllerLines {
    /** The A20 gate line (output port bit 1). */
    void a20(boolean enabled);

    /** The CPU reset line was pulsed (output port bit 0 driven low). */
    void reset();
}
