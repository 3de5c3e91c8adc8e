package org.atrium.emulator.machine;

/** Board events a test does not look at: the serial line, debug console, reset and power-off. */
final class SilentBoardEvents implements BoardEvents {
    @Override
    public void serialTransmitted(int value) {}

    @Override
    public void debugConsole(int value) {}

    @Override
    public void resetRequested() {}

    @Override
    public void powerOffRequested() {}
}
