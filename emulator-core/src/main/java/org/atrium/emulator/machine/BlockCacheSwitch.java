package org.atrium.emulator.machine;

/**
 * Decides, for {@link DecodedBlocks#WHEN_BUSY}, when a machine's CPU should run from decoded
 * blocks: on after a window of virtual time ({@link #WINDOW_NANOS}) in which the guest ran at least
 * {@link #BUSY_PER_SECOND} instructions a second, off after {@link #IDLE_NANOS} below that rate. An
 * idle Linux guest runs under a million instructions a second (a 250 Hz tick of about 3,200), a
 * busy one some hundred million, so the threshold sits far from both; the long way back to off
 * keeps a guest that pauses for a moment from starting on a cold cache each time. Not thread-safe:
 * the machine's thread owns it.
 */
final class BlockCacheSwitch {
    static final long WINDOW_NANOS = 100_000_000L;
    static final long BUSY_PER_SECOND = 10_000_000L;
    static final long IDLE_NANOS = 2_000_000_000L;

    private boolean started;
    private boolean on;
    private long windowStart;
    private long windowStartInstructions;
    private long idleNanos;
    private long switches;

    /**
     * Takes a reading: {@code nanos} of virtual time and the instructions retired so far. Returns
     * whether the cache should be on from now.
     */
    boolean update(long nanos, long instructions) {
        if (!started) {
            started = true;
            windowStart = nanos;
            windowStartInstructions = instructions;
            return on;
        }
        long span = nanos - windowStart;
        if (span < WINDOW_NANOS) {
            return on;
        }
        // A thread that slept through several windows gives one reading for all of them: the rate
        // is taken over the whole stretch.
        long ran = instructions - windowStartInstructions;
        boolean busy = ran >= (double) BUSY_PER_SECOND * span / 1e9;
        windowStart = nanos;
        windowStartInstructions = instructions;
        if (busy) {
            idleNanos = 0;
            if (!on) {
                on = true;
                switches++;
            }
        } else {
            idleNanos += span;
            if (on && idleNanos >= IDLE_NANOS) {
                on = false;
                switches++;
            }
        }
        return on;
    }

    /** How many times the answer changed. */
    long switches() {
        return switches;
    }
}
