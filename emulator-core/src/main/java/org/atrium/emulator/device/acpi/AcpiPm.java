package org.atrium.emulator.device.acpi;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.snapshot.Snapshottable;
import org.atrium.emulator.time.VirtualTime;

/**
 * ACPI fixed hardware registers (ACPI 6.5, 4.8.3), laid out as one 12-byte I/O block: the PM1a
 * event block (status at +0, enable at +2), the PM1a control block (+4) and the 24-bit PM timer
 * (+8, 3.579545 MHz). Writing SLP_EN with the sleep type of S5 turns the machine off: that is how
 * Linux powers off on ACPI hardware.
 *
 * <p>Left out: SCI interrupts (no event sets a status bit or raises an interrupt; the timer-carry
 * status is not kept), sleep states S1-S4 (their writes are ignored), general-purpose events, the
 * PM1b blocks. SCI_EN always reads 1: the machine starts in ACPI mode and has no SMI command port.
 */
public final class AcpiPm implements BusDevice, Snapshottable<AcpiPmState> {
    /** The SLP_TYP value of S5 that the DSDT's {@code _S5} object announces. */
    public static final int S5_SLEEP_TYPE = 5;

    public static final int BLOCK_SIZE = 12;

    private static final int TIMER_HZ = 3_579_545;
    private static final int SCI_EN = 1;
    private static final int SLP_EN = 1 << 13;

    private final VirtualTime time;
    private final Runnable powerOff;
    private int status;
    private int enable;
    private int control;

    public AcpiPm(VirtualTime time, Runnable powerOff) {
        this.time = time;
        this.powerOff = powerOff;
    }

    public void reset() {
        status = 0;
        enable = 0;
        control = 0;
    }

    @Override
    public String id() {
        return "acpi-pm";
    }

    @Override
    public Class<AcpiPmState> stateType() {
        return AcpiPmState.class;
    }

    @Override
    public AcpiPmState snapshot() {
        return new AcpiPmState(status, enable, control);
    }

    @Override
    public void restore(AcpiPmState s) {
        status = s.status();
        enable = s.enable() & 0x0521;
        control = s.control() & 0x1C06;
    }

    private int timer() {
        long nanos = time.nanos();
        long ticks =
                (nanos / 1_000_000_000L) * TIMER_HZ
                        + (nanos % 1_000_000_000L) * TIMER_HZ / 1_000_000_000L;
        return (int) (ticks & 0xFFFFFF);
    }

    private int register(int offset) {
        return switch (offset & ~1) {
            case 0 -> status;
            case 2 -> enable;
            case 4 -> control | SCI_EN;
            case 8 -> timer() & 0xFFFF;
            case 10 -> timer() >>> 16;
            default -> 0;
        };
    }

    @Override
    public int read(int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            int reg = register(offset + i);
            v |= ((reg >>> (8 * ((offset + i) & 1))) & 0xFF) << (8 * i);
        }
        return v;
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset == 0 || offset == 2) {
            // Accesses of 2 or 4 bytes at the block start or the enable register.
            for (int i = 0; i < size && offset + i < 4; i += 2) {
                int v = (value >>> (8 * i)) & 0xFFFF;
                if (offset + i == 0) {
                    status &= ~v; // write 1 to clear
                } else {
                    enable = v & 0x0521;
                }
            }
        } else if (offset == 4) {
            control = value & 0x1C06;
            if ((value & SLP_EN) != 0 && ((value >> 10) & 7) == S5_SLEEP_TYPE) {
                powerOff.run();
            }
        }
    }
}
