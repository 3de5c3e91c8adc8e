package org.atrium.emulator.device.ide;

import java.util.Objects;
import org.atrium.emulator.device.pci.PciFunctionState;

/**
 * The PIIX3 IDE function: its PCI configuration space (BMIBA, IDETIM, SIDETIM), the bus-master
 * register block and both channels.
 *
 * @param busMaster the 16 bytes of the bus-master register block
 */
public record PiixIdeState(
        PciFunctionState function,
        byte[] busMaster,
        IdeChannelState primary,
        IdeChannelState secondary) {
    public PiixIdeState {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(secondary, "secondary");
        if (busMaster.length != PiixIde.BUS_MASTER_BYTES) {
            throw new IllegalArgumentException("the bus-master block has 16 bytes");
        }
        busMaster = busMaster.clone();
    }

    @Override
    public byte[] busMaster() {
        return busMaster.clone();
    }
}
