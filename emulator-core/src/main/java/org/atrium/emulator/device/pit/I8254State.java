package org.atrium.emulator.device.pit;

import java.util.List;

/** The three counters of an 8254. */
public record I8254State(List<CounterState> counters) {
    public I8254State {
        counters = List.copyOf(counters);
        if (counters.size() != 3) {
            throw new IllegalArgumentException("an 8254 has three counters");
        }
    }

    /**
     * One counter. Its counting element is described by when it was loaded rather than by its
     * current value, because counters run on virtual time.
     *
     * @param accessMode RW bits of the control word: 1 LSB, 2 MSB, 3 LSB then MSB
     * @param initialCount the count register, 1-65536 (1-10000 in BCD)
     * @param counting whether a count has been written since the last control word
     * @param awaitingTrigger modes 1 and 5: loaded but not yet triggered by GATE
     * @param loadedAtNanos the virtual time the counting element was loaded or retriggered
     * @param readState 1, 2, 3 or 4 (high byte of a word read next)
     * @param writeState 1, 2, 3 or 4 (high byte of a word written next)
     * @param latchState 0 (no latched count) or the access mode the latched count is read with
     */
    public record CounterState(
            int mode,
            int accessMode,
            boolean bcd,
            boolean gate,
            int initialCount,
            boolean counting,
            boolean awaitingTrigger,
            long loadedAtNanos,
            int readState,
            int writeState,
            int writeLatch,
            int latchedCount,
            int latchState,
            boolean statusLatched,
            int latchedStatus) {
        public CounterState {
            if (mode < 0 || mode > 5 || accessMode < 1 || accessMode > 3) {
                throw new IllegalArgumentException("8254 mode or access out of range");
            }
            if (initialCount < 1 || initialCount > 0x10000 || (bcd && initialCount > 10000)) {
                throw new IllegalArgumentException("8254 count out of range: " + initialCount);
            }
            if (readState < 1 || readState > 4 || writeState < 1 || writeState > 4) {
                throw new IllegalArgumentException("8254 read/write state out of range");
            }
            if (latchState < 0 || latchState > 3 || ((writeLatch | latchedStatus) & ~0xFF) != 0) {
                throw new IllegalArgumentException("8254 latch out of range");
            }
            if ((latchedCount & ~0xFFFF) != 0 || loadedAtNanos < 0) {
                throw new IllegalArgumentException("8254 latched count or load time out of range");
            }
        }
    }
}
