package org.atrium.emulator.machine;

/** Why a {@link PcMachine} stopped. */
public enum ExitReason {
    /** The host called {@link PcMachine#stop()}. */
    STOPPED_BY_HOST,
    /** The guest turned the machine off (ACPI S5 through the PM1a control register). */
    POWER_OFF,
    /**
     * The CPU entered shutdown (a fault while delivering a double fault); only with {@link
     * PcMachine#exitOnGuestReset}, otherwise the machine resets.
     */
    TRIPLE_FAULT,
    /** The guest reset the machine; only with {@link PcMachine#exitOnGuestReset}. */
    GUEST_RESET,
    /** The emulator failed: an internal error ended the machine's thread. */
    EMULATOR_ERROR
}
