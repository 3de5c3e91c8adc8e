package org.atrium.emulator.device.pit;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.snapshot.Snapshottable;
import org.atrium.emulator.time.Timer;
import org.atrium.emulator.time.VirtualTime;

/**
 * Intel 8254 programmable interval timer (datasheet 231164): three 16-bit counters clocked at
 * 1.193182 MHz, modes 0-5, binary or BCD counting, LSB/MSB/word access, counter latch and read-back
 * commands with status. Counters are not stepped: their value and output are computed from the
 * virtual time at which the count was loaded, and only counter 0's rising output edges (the system
 * timer interrupts) are scheduled as timer deadlines, so an idle guest costs one host wake-up per
 * interrupt and nothing in between. A one-shot edge (modes 0, 1, 4 and 5) is deferrable: an idle
 * machine may deliver it up to its idle timer slack late. Registers: offsets 0-2 counters, 3
 * control word.
 *
 * <p>Left out: a low gate does not suspend counting in modes 0 and 4 (only its rising edge, which
 * retriggers modes 1, 2, 3 and 5, is modelled); counters 0 and 1 have their gate tied high, as on a
 * PC.
 */
public final class I8254 implements BusDevice, Snapshottable<I8254State> {
    /** The input clock of every counter, in Hz. */
    public static final long FREQUENCY = 1_193_182;

    private static final long NANOS = 1_000_000_000L;
    private static final int ACCESS_LATCH = 0;
    private static final int ACCESS_LSB = 1;
    private static final int ACCESS_MSB = 2;
    private static final int ACCESS_WORD = 3;

    /** Read/write state after the low byte of a word access. */
    private static final int ACCESS_WORD_HIGH = 4;

    private final VirtualTime time;
    private final Counter[] counters = new Counter[3];

    /**
     * @param out0 the wire of counter 0's OUT pin (the system timer interrupt)
     */
    public I8254(VirtualTime time, InterruptLine out0) {
        this.time = time;
        for (int i = 0; i < 3; i++) {
            counters[i] = new Counter(i == 0 ? out0 : null);
        }
        reset();
    }

    public void reset() {
        for (Counter c : counters) {
            c.reset();
        }
    }

    /** Sets the GATE input of counter {@code channel} (only counter 2's is wired on a PC). */
    public void setGate(int channel, boolean gate) {
        counters[channel].setGate(gate);
    }

    /** The level of counter {@code channel}'s OUT pin now. */
    public boolean output(int channel) {
        return counters[channel].output(time.nanos());
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "pit-8254";
    }

    @Override
    public Class<I8254State> stateType() {
        return I8254State.class;
    }

    @Override
    public I8254State snapshot() {
        return new I8254State(java.util.Arrays.stream(counters).map(Counter::snapshot).toList());
    }

    /**
     * Loads a snapshot (checked by its records) taken on the same virtual clock; counter 0's output
     * and its next transition follow from it.
     */
    @Override
    public void restore(I8254State state) {
        for (int i = 0; i < 3; i++) {
            counters[i].restore(state.counters().get(i));
        }
    }

    @Override
    public int read(int offset, int size) {
        if (offset >= 3) {
            return 0xFF;
        }
        return counters[offset].readByte();
    }

    @Override
    public void write(int offset, int size, int value) {
        value &= 0xFF;
        if (offset < 3) {
            counters[offset].writeByte(value);
            return;
        }
        int channel = value >> 6;
        if (channel == 3) {
            // Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 select.
            for (int i = 0; i < 3; i++) {
                if ((value & (2 << i)) != 0) {
                    if ((value & 0x20) == 0) {
                        counters[i].latchCount();
                    }
                    if ((value & 0x10) == 0) {
                        counters[i].latchStatus();
                    }
                }
            }
            return;
        }
        Counter c = counters[channel];
        int access = (value >> 4) & 3;
        if (access == ACCESS_LATCH) {
            c.latchCount();
        } else {
            c.program(access, (value >> 1) & 7, (value & 1) != 0);
        }
    }

    private final class Counter {
        private final InterruptLine out;
        private final Timer timer;
        private int access;
        private int mode;
        private boolean bcd;
        private boolean gate;

        /** The count as programmed, 1-65536 (or 1-10000 in BCD) ticks. */
        private long count;

        private long loadTime;
        private boolean loaded;

        /** Modes 1 and 5 count only after a rising edge of GATE following the count load. */
        private boolean awaitingTrigger;

        private int readState;
        private int writeState;
        private int writeLatch;
        private int latchedCount;
        private int countLatchState;
        private boolean statusLatched;
        private int latchedStatus;
        private long nextTransition;

        Counter(InterruptLine out) {
            this.out = out;
            this.timer = out == null ? null : time.timer(this::transition);
        }

        /**
         * Power-on as a PC BIOS finds it (and as QEMU models it): mode 3 with a count of 65536
         * running, so OUT starts high and the first mode write does not make a spurious edge.
         */
        void reset() {
            access = ACCESS_WORD;
            mode = 3;
            bcd = false;
            gate = out != null;
            readState = ACCESS_WORD;
            writeState = ACCESS_WORD;
            countLatchState = 0;
            statusLatched = false;
            awaitingTrigger = false;
            count = 0x10000;
            loadTime = time.nanos();
            loaded = true;
            if (timer != null) {
                schedule(loadTime);
            }
        }

        I8254State.CounterState snapshot() {
            return new I8254State.CounterState(
                    mode,
                    access,
                    bcd,
                    gate,
                    (int) count,
                    loaded,
                    awaitingTrigger,
                    loadTime,
                    readState,
                    writeState,
                    writeLatch,
                    latchedCount,
                    countLatchState,
                    statusLatched,
                    latchedStatus);
        }

        void restore(I8254State.CounterState s) {
            mode = s.mode();
            access = s.accessMode();
            bcd = s.bcd();
            gate = s.gate();
            count = s.initialCount();
            loaded = s.counting();
            awaitingTrigger = s.awaitingTrigger();
            loadTime = s.loadedAtNanos();
            readState = s.readState();
            writeState = s.writeState();
            writeLatch = s.writeLatch();
            latchedCount = s.latchedCount();
            countLatchState = s.latchState();
            statusLatched = s.statusLatched();
            latchedStatus = s.latchedStatus();
            if (timer == null) {
                return;
            }
            timer.cancel();
            if (loaded && !awaitingTrigger) {
                // Edges that were due when the snapshot was taken fired before it was written
                // (PcMachine runs due timers first), so the next edge is still to come.
                schedule(Math.max(loadTime, time.nanos()));
            } else {
                out.set(mode != 0);
            }
        }

        void program(int access, int mode, boolean bcd) {
            this.access = access;
            // Modes 6 and 7 are aliases of 2 and 3 (the datasheet's "X" bit).
            this.mode = mode > 5 ? mode - 4 : mode;
            this.bcd = bcd;
            readState = access;
            writeState = access;
            countLatchState = 0;
            loaded = false;
            if (timer != null) {
                timer.cancel();
                out.set(this.mode != 0);
            }
        }

        void writeByte(int value) {
            switch (writeState) {
                case ACCESS_LSB -> load(value);
                case ACCESS_MSB -> load(value << 8);
                case ACCESS_WORD -> {
                    writeLatch = value;
                    writeState = ACCESS_WORD_HIGH;
                }
                default -> {
                    load(writeLatch | (value << 8));
                    writeState = ACCESS_WORD;
                }
            }
        }

        private void load(int raw) {
            long ticks = bcd ? fromBcd(raw) : raw;
            if (ticks == 0) {
                ticks = bcd ? 10000 : 0x10000;
            }
            count = ticks;
            loadTime = time.nanos();
            loaded = true;
            awaitingTrigger = mode == 1 || mode == 5;
            if (awaitingTrigger) {
                if (timer != null) {
                    timer.cancel();
                    out.raise();
                }
                return;
            }
            schedule(loadTime);
        }

        void setGate(boolean level) {
            long now = time.nanos();
            if (!gate && level && (mode == 1 || mode == 2 || mode == 3 || mode == 5) && loaded) {
                loadTime = now;
                awaitingTrigger = false;
                schedule(now);
            }
            gate = level;
        }

        private long ticksSince(long now) {
            // Split at whole seconds so the product cannot overflow however long the VM runs.
            long delta = now - loadTime;
            return delta / NANOS * FREQUENCY + delta % NANOS * FREQUENCY / NANOS;
        }

        /** The counting element's value now, in binary. */
        private long value(long now) {
            if (!loaded || awaitingTrigger) {
                return count & 0xFFFF;
            }
            long d = ticksSince(now);
            return switch (mode) {
                case 2 -> count - (d % count);
                case 3 -> count - ((2 * d) % count);
                default -> (count - d) & 0xFFFF;
            };
        }

        boolean output(long now) {
            if (!loaded || awaitingTrigger) {
                return mode != 0;
            }
            long d = ticksSince(now);
            return outputAt(d);
        }

        private boolean outputAt(long d) {
            return switch (mode) {
                case 0 -> d >= count;
                case 1 -> d >= count;
                case 2 -> d % count != count - 1;
                case 3 -> d % count < (count + 1) >> 1;
                default -> d != count;
            };
        }

        /**
         * The tick count, after {@code d}, at which OUT rises next, or -1 for never: the rising
         * edge is what the interrupt controller latches, so it is the only transition that needs a
         * deadline.
         */
        private long nextRise(long d) {
            return switch (mode) {
                case 0, 1 -> d < count ? count : -1;
                // Modes 2 and 3 rise at every period boundary: mode 2 after its one-tick low
                // pulse, mode 3 after the low half of its square wave.
                case 2, 3 -> d - d % count + count;
                // Modes 4 and 5 strobe OUT low for the tick after the count and rise after it.
                default -> d <= count ? count + 1 : -1;
            };
        }

        /** Modes 2 and 3 repeat by themselves; the others make one edge per count loaded. */
        private boolean periodic() {
            return mode == 2 || mode == 3;
        }

        /** Drives OUT to its level at virtual time {@code at} and arms its next rising edge. */
        private void schedule(long at) {
            if (timer == null) {
                return;
            }
            long d = ticksSince(at);
            out.set(outputAt(d));
            armNextRise(at, d);
        }

        private void armNextRise(long at, long d) {
            // A count of 1 is illegal in modes 2 and 3: the output would never change.
            long next = count == 1 && periodic() ? -1 : nextRise(d);
            if (next < 0) {
                timer.cancel();
                return;
            }
            long deadline = loadTime + ceilNanos(next);
            nextTransition = deadline <= at ? at + 1 : deadline;
            if (periodic()) {
                // A periodic edge the controller sees late may merge with the next one, and a
                // guest that counts its ticks (Linux's periodic mode) would lose time.
                timer.arm(nextTransition);
            } else {
                // One edge per count the guest loads: a guest that programs it (Linux's one-shot
                // clock event) reads its clock when the interrupt comes, and a late one only
                // delays its timers, which an idle machine may do (Timer#armDeferrable).
                timer.armDeferrable(nextTransition);
            }
        }

        /**
         * Fires at a scheduled rising edge and pulses the line, so the controller sees the edge
         * whatever level it was left at: the low phase before an edge gets no deadline of its own,
         * which makes one host wake-up per timer interrupt instead of two. The line then stays high
         * through low phases, which an edge-triggered input (IRQ 0 on a PC) does not see. The next
         * edge is computed from the scheduled time rather than now, so a late timer still produces
         * every edge and no interrupt is lost.
         */
        private void transition() {
            out.lower();
            out.raise();
            long at = nextTransition;
            armNextRise(at, ticksSince(at));
        }

        private long ceilNanos(long ticks) {
            return ticks / FREQUENCY * NANOS
                    + (ticks % FREQUENCY * NANOS + FREQUENCY - 1) / FREQUENCY;
        }

        void latchCount() {
            if (countLatchState == 0) {
                long v = value(time.nanos());
                latchedCount = bcd ? toBcd(v == 10000 ? 0 : v) : (int) (v & 0xFFFF);
                countLatchState = access;
            }
        }

        void latchStatus() {
            if (!statusLatched) {
                latchedStatus =
                        (output(time.nanos()) ? 0x80 : 0)
                                | (loaded ? 0 : 0x40)
                                | (access << 4)
                                | (mode << 1)
                                | (bcd ? 1 : 0);
                statusLatched = true;
            }
        }

        int readByte() {
            if (statusLatched) {
                statusLatched = false;
                return latchedStatus;
            }
            if (countLatchState != 0) {
                return switch (countLatchState) {
                    case ACCESS_LSB -> {
                        countLatchState = 0;
                        yield latchedCount & 0xFF;
                    }
                    case ACCESS_MSB -> {
                        countLatchState = 0;
                        yield (latchedCount >> 8) & 0xFF;
                    }
                    case ACCESS_WORD -> {
                        countLatchState = ACCESS_MSB;
                        yield latchedCount & 0xFF;
                    }
                    default -> 0xFF;
                };
            }
            long v = value(time.nanos());
            int current = bcd ? toBcd(v == 10000 ? 0 : v) : (int) (v & 0xFFFF);
            return switch (readState) {
                case ACCESS_LSB -> current & 0xFF;
                case ACCESS_MSB -> (current >> 8) & 0xFF;
                case ACCESS_WORD -> {
                    readState = ACCESS_WORD_HIGH;
                    yield current & 0xFF;
                }
                default -> {
                    readState = ACCESS_WORD;
                    yield (current >> 8) & 0xFF;
                }
            };
        }
    }

    private static long fromBcd(int raw) {
        return ((raw >> 12) & 0xF) * 1000L
                + ((raw >> 8) & 0xF) * 100L
                + ((raw >> 4) & 0xF) * 10L
                + (raw & 0xF);
    }

    private static int toBcd(long v) {
        int n = (int) (v % 10000);
        return ((n / 1000) << 12) | (((n / 100) % 10) << 8) | (((n / 10) % 10) << 4) | (n % 10);
    }
}
