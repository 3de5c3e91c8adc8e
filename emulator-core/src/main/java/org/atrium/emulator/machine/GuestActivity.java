package org.atrium.emulator.machine;

/**
 * How busy a machine's guest is, read from its instruction count against virtual time. It decides
 * two things:
 *
 * <ul>
 *   <li>{@link #busy()}, for {@link DecodedBlocks#WHEN_BUSY}: on after a window of virtual time
 *       ({@link #WINDOW_NANOS}) in which the guest ran at least {@link #BUSY_PER_SECOND}
 *       instructions a second, off after {@link #IDLE_NANOS} below that rate. An idle Linux guest
 *       runs under a million instructions a second (a 250 Hz tick of about 3,200), a busy one some
 *       hundred million, so the threshold sits far from both; the long way back to off keeps a
 *       guest that pauses for a moment from starting on a cold cache each time.
 *   <li>{@link #idle}, for the idle timer slack ({@link MachineConfig#idleTimerSlack()}): not busy,
 *       and no host input (keys, pointer, serial bytes, host requests) for {@link #IDLE_NANOS}
 *       either. The machine's start counts as input, so a new or restored machine is not idle for
 *       its first two seconds.
 * </ul>
 *
 * Not thread-safe: the machine's thread owns it.
 */
final class GuestActivity {
    static final long WINDOW_NANOS = 100_000_000L;
    static final long BUSY_PER_SECOND = 10_000_000L;
    static final long IDLE_NANOS = 2_000_000_000L;

    private boolean started;
    private boolean busy;
    private long windowStart;
    private long windowStartInstructions;
    private long idleNanos;
    private long switches;
    private long lastInput;

    /**
     * Takes a reading: {@code nanos} of virtual time and the instructions retired so far. Returns
     * whether the guest is busy from now ({@link #busy()}).
     */
    boolean update(long nanos, long instructions) {
        if (!started) {
            started = true;
            windowStart = nanos;
            windowStartInstructions = instructions;
            lastInput = nanos;
            return busy;
        }
        long span = nanos - windowStart;
        if (span < WINDOW_NANOS) {
            return busy;
        }
        // A thread that slept through several windows gives one reading for all of them: the rate
        // is taken over the whole stretch.
        long ran = instructions - windowStartInstructions;
        boolean busyWindow = ran >= (double) BUSY_PER_SECOND * span / 1e9;
        windowStart = nanos;
        windowStartInstructions = instructions;
        if (busyWindow) {
            idleNanos = 0;
            if (!busy) {
                busy = true;
                switches++;
            }
        } else {
            idleNanos += span;
            if (busy && idleNanos >= IDLE_NANOS) {
                busy = false;
                switches++;
            }
        }
        return busy;
    }

    /** Notes host input at {@code nanos} of virtual time: the desktop is in use. */
    void hostInput(long nanos) {
        lastInput = nanos;
    }

    /** Whether the guest has kept its CPU busy lately (as of the last reading). */
    boolean busy() {
        return busy;
    }

    /**
     * Whether nobody uses the guest at {@code nanos}: not busy, and no host input for {@link
     * #IDLE_NANOS}. False before the first reading.
     */
    boolean idle(long nanos) {
        return started && !busy && nanos - lastInput >= IDLE_NANOS;
    }

    /** How many times {@link #busy()} changed. */
    long switches() {
        return switches;
    }
}
