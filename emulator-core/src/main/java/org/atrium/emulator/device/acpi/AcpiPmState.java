package org.atrium.emulator.device.acpi;

/**
 * The ACPI PM registers that hold state (the PM timer follows the virtual clock).
 *
 * @param status PM1a_STS
 * @param enable PM1a_EN
 * @param control PM1a_CNT without SCI_EN (always set) and SLP_EN (write-only)
 */
public record AcpiPmState(int status, int enable, int control) {
    public AcpiPmState {
        if (((status | enable | control) & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("PM1 registers are 16 bits wide");
        }
    }
}
