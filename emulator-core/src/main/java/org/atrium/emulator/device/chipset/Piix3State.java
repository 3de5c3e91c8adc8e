package org.atrium.emulator.device.chipset;

import org.atrium.emulator.device.pci.PciFunctionState;

/** The PIIX3 ISA bridge: its configuration space and the Reset Control register at 0xCF9. */
public record Piix3State(PciFunctionState function, int resetControl) {
    public Piix3State {
        java.util.Objects.requireNonNull(function, "function");
        if ((resetControl & ~0xFF) != 0) {
            throw new IllegalArgumentException("reset control out of range");
        }
    }
}
