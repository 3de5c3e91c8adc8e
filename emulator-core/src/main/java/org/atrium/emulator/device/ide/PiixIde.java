package org.atrium.emulator.device.ide;

import java.util.Arrays;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.device.pci.PciBar;
import org.atrium.emulator.device.pci.PciFunction;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * The IDE function of the Intel 82371SB PIIX3 (PCI 8086:7010, datasheet section 2.5 and 2.7): two
 * channels in compatibility mode, each with its legacy command and control blocks and its own
 * interrupt line, the IDE timing registers (IDETIM, SIDETIM) and the bus-master IDE register block
 * behind BAR4 (BMIBA). The board maps the legacy ports; this class holds the channels, the PCI
 * function and the bus-master registers.
 *
 * <p>Left out: bus-master transfers (the registers hold what drivers write, the engine never runs:
 * drives offer no DMA mode in IDENTIFY, so SeaBIOS and Linux use PIO), native-PCI mode and the
 * timing registers' effect (there is no timing).
 */
public final class PiixIde implements Snapshottable<PiixIdeState> {
    public static final int PCI_VENDOR = 0x8086;
    public static final int PCI_DEVICE = 0x7010;

    /** Mass storage, IDE, compatibility mode on both channels, bus-master capable. */
    public static final int PCI_CLASS = 0x010180;

    /** IDETIM registers: bit 15 (IDE decode enable) set for both channels at power-on. */
    public static final int IDETIM_PRIMARY_HIGH = 0x41;

    public static final int IDETIM_SECONDARY_HIGH = 0x43;

    /** Size of the bus-master register block BAR4 decodes (8 bytes per channel). */
    public static final int BUS_MASTER_BYTES = 16;

    private static final int BM_COMMAND = 0;
    private static final int BM_STATUS = 2;
    private static final int BM_START = 0x01;
    private static final int BM_STATUS_ERROR = 0x02;
    private static final int BM_STATUS_INTERRUPT = 0x04;
    private static final int BM_STATUS_CAPABLE = 0x60;

    private final IdeChannel primary;
    private final IdeChannel secondary;
    private final PciFunction function;
    private final byte[] busMaster = new byte[BUS_MASTER_BYTES];

    public PiixIde(
            InterruptLine primaryIrq,
            IdeDrive primaryMaster,
            IdeDrive primarySlave,
            InterruptLine secondaryIrq,
            IdeDrive secondaryMaster,
            IdeDrive secondarySlave) {
        primary = new IdeChannel(primaryIrq, primaryMaster, primarySlave);
        secondary = new IdeChannel(secondaryIrq, secondaryMaster, secondarySlave);
        function =
                new PciFunction(PCI_VENDOR, PCI_DEVICE, 0x00, PCI_CLASS, 0x00)
                        .bar(4, PciBar.io(BUS_MASTER_BYTES, busMasterBlock()))
                        // IDETIM (0x40-0x43) and SIDETIM (0x44): written by drivers tuning PIO.
                        .writable(0x40, 5)
                        .initial(IDETIM_PRIMARY_HIGH, 0x80)
                        .initial(IDETIM_SECONDARY_HIGH, 0x80);
        reset();
    }

    public IdeChannel primary() {
        return primary;
    }

    public IdeChannel secondary() {
        return secondary;
    }

    /** The PCI function the board plugs in (at 00:01.1 on a PC). */
    public PciFunction function() {
        return function;
    }

    /** The hardware reset: both channels, and the bus-master registers back to idle. */
    public void reset() {
        primary.reset();
        secondary.reset();
        Arrays.fill(busMaster, (byte) 0);
    }

    @Override
    public String id() {
        return "pci-piix-ide";
    }

    @Override
    public Class<PiixIdeState> stateType() {
        return PiixIdeState.class;
    }

    @Override
    public PiixIdeState snapshot() {
        return new PiixIdeState(
                function.snapshot(), busMaster, primary.snapshot(), secondary.snapshot());
    }

    /** Loads a snapshot of a controller with the same drives attached. */
    @Override
    public void restore(PiixIdeState state) {
        function.restore(state.function());
        System.arraycopy(state.busMaster(), 0, busMaster, 0, BUS_MASTER_BYTES);
        primary.restore(state.primary());
        secondary.restore(state.secondary());
    }

    /** BMIBA: command, status and descriptor table pointer of each channel (datasheet 2.7). */
    private BusDevice busMasterBlock() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                int value = 0;
                for (int i = 0; i < size && offset + i < BUS_MASTER_BYTES; i++) {
                    value |= (busMaster[offset + i] & 0xFF) << (8 * i);
                }
                return value;
            }

            @Override
            public void write(int offset, int size, int value) {
                for (int i = 0; i < size && offset + i < BUS_MASTER_BYTES; i++) {
                    writeByte(offset + i, (value >>> (8 * i)) & 0xFF);
                }
            }
        };
    }

    private void writeByte(int at, int value) {
        int register = at & 7;
        if (register == BM_COMMAND) {
            // Read/write control (bit 3) and start (bit 0); a started engine has nothing to move,
            // so start reads back as written and the status never shows activity.
            busMaster[at] = (byte) (value & (0x08 | BM_START));
        } else if (register == BM_STATUS) {
            int old = busMaster[at] & 0xFF;
            int cleared = old & ~(value & (BM_STATUS_ERROR | BM_STATUS_INTERRUPT));
            busMaster[at] = (byte) ((cleared & ~BM_STATUS_CAPABLE) | (value & BM_STATUS_CAPABLE));
        } else if (register >= 4) {
            // The descriptor table pointer is dword aligned.
            busMaster[at] = (byte) (register == 4 ? value & 0xFC : value);
        }
    }
}
