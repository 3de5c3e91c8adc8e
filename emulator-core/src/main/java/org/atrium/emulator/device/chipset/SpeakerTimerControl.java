package org.atrium.emulator.device.chipset;

/** What port B needs of the interval timer's counter 2: its gate input and its output. */
public interface SpeakerTimerControl {
    void setGate(boolean gate);

    boolean output();
}
