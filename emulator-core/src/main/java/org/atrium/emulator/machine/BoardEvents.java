package org.atrium.emulator.machine;

/** What the board's chips tell the machine that runs it; called on the machine's thread. */
interface BoardEvents {
    /** A byte the guest sent out of the first serial port. */
    void serialTransmitted(int value);

    /** A byte the guest wrote to the debug console port. */
    void debugConsole(int value);

    /** A chip pulsed the CPU's reset line (keyboard controller, port 0x92, reset control). */
    void resetRequested();

    /** The guest turned the machine off through the ACPI PM registers. */
    void powerOffRequested();
}
