package org.atrium.emulator.device;

/**
 * One interrupt request wire from a device to an interrupt controller, as a level. Edge-triggered
 * inputs see the rising edge of {@link #raise()}; a device that pulses calls both.
 */
public interface InterruptLine {
    void raise();

    void lower();

    default void set(boolean level) {
        if (level) {
            raise();
        } else {
            lower();
        }
    }

    /** A line connected to nothing. */
    InterruptLine NONE =
            new InterruptLine() {
                @Override
                public void raise() {}

                @Override
                public void lower() {}
            };
}
