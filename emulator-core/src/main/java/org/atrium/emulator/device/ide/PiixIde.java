package org.atrium.emulator.device.ide;

import org.atrium.emulator.device.InterruptLine;

/**
 * The IDE function of the Intel 82371SB PIIX3 (PCI 8086:7010, datasheet section 2.5): two channels
 * in compatibility mode, each with its legacy command and control blocks and its own interrupt
 * line. The board maps the ports and plugs the PCI function; this class only holds the channels and
 * the identity the board advertises.
 *
 * <p>Left out: the bus-master IDE registers (BAR4) and native-PCI mode; the programming interface
 * says so (no bus master bit), and drivers fall back to PIO.
 */
public final class PiixIde {
    public static final int PCI_VENDOR = 0x8086;
    public static final int PCI_DEVICE = 0x7010;

    /** Mass storage, IDE, compatibility mode on both channels, no bus mastering yet. */
    public static final int PCI_CLASS = 0x010100;

    /** IDETIM registers: bit 15 (IDE decode enable) set for both channels at power-on. */
    public static final int IDETIM_PRIMARY_HIGH = 0x41;

    public static final int IDETIM_SECONDARY_HIGH = 0x43;

    private final IdeChannel primary;
    private final IdeChannel secondary;

    public PiixIde(
            InterruptLine primaryIrq,
            IdeDrive primaryMaster,
            IdeDrive primarySlave,
            InterruptLine secondaryIrq,
            IdeDrive secondaryMaster,
            IdeDrive secondarySlave) {
        primary = new IdeChannel(primaryIrq, primaryMaster, primarySlave);
        secondary = new IdeChannel(secondaryIrq, secondaryMaster, secondarySlave);
    }

    public IdeChannel primary() {
        return primary;
    }

    public IdeChannel secondary() {
        return secondary;
    }

    public void reset() {
        primary.reset();
        secondary.reset();
    }
}
