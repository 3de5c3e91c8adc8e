package org.atrium.emulator.device.chipset;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.snapshot.Snapshottable;
import org.atrium.emulator.time.VirtualTime;

/**
 * The PC/AT's System Control Port B / NMI Status and Control register (PIIX3 datasheet 290550,
 * register NMISC): bit 0 gates timer counter 2, bit 1 enables speaker data; reads return bit 4 as
 * the refresh-request toggle (every 15.085 µs of virtual time) and bit 5 as counter 2's output,
 * which firmware polls to calibrate the TSC.
 *
 * <p>Left out: the speaker's sound, and NMI sources (bits 6-7 read as 0: no parity or channel check
 * errors happen).
 */
public final class SystemControlPortB
        implements BusDevice, Snapshottable<SystemControlPortB.PortState> {
    /** The writable bits: timer 2 gate, speaker data, parity and channel check enables. */
    public record PortState(int value) {
        public PortState {
            if ((value & ~0x0F) != 0) {
                throw new IllegalArgumentException("port 0x61 holds bits 0-3 only");
            }
        }
    }

    private static final long REFRESH_NANOS = 15_085;

    private final VirtualTime time;
    private final SpeakerTimerControl timer2;
    private int value;

    public SystemControlPortB(VirtualTime time, SpeakerTimerControl timer2) {
        this.time = time;
        this.timer2 = timer2;
    }

    public void reset() {
        value = 0;
        timer2.setGate(false);
    }

    /** The writable bits (gate, speaker, check enables), for snapshots. */
    public int value() {
        return value;
    }

    @Override
    public String id() {
        return "port61";
    }

    @Override
    public Class<PortState> stateType() {
        return PortState.class;
    }

    @Override
    public PortState snapshot() {
        return new PortState(value);
    }

    @Override
    public void restore(PortState state) {
        restore(state.value());
    }

    /** Loads saved writable bits; the timer gate follows them. */
    public void restore(int saved) {
        write(0, 1, saved);
    }

    @Override
    public int read(int offset, int size) {
        boolean refresh = (time.nanos() / REFRESH_NANOS & 1) != 0;
        return (value & 0x0F) | (refresh ? 0x10 : 0) | (timer2.output() ? 0x20 : 0);
    }

    @Override
    public void write(int offset, int size, int v) {
        value = v & 0x0F;
        timer2.setGate((v & 0x01) != 0);
    }
}
