package org.atrium.emulator.machine;

/** The life cycle of a {@link PcMachine}: CREATED → RUNNING ⇄ PAUSED → STOPPED. */
public enum MachineState {
    /** Built, not started: no thread runs yet. */
    CREATED,
    /** The CPU thread runs guest code (or sleeps in a halted CPU). */
    RUNNING,
    /** The CPU thread waits; virtual time stands still. */
    PAUSED,
    /** Finished for good: stopped by the host, powered off or shut down by a triple fault. */
    STOPPED
}
