package org.atrium.emulator.device.chipset;

import org.atrium.emulator.bus.BusDevice;
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
public final class SystemControlPortB implements BusDevice {
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
