package org.atrium.emulator.time;

/** A virtual clock whose host source a test moves by hand, so timer tests never wait. */
public final class ManualClock {
    private long hostNanos = 1_000_000;
    private final VirtualClock clock = new VirtualClock(() -> hostNanos);

    public VirtualClock clock() {
        return clock;
    }

    /** Moves host time forward and fires the timers that fell due. */
    public void advance(long nanos) {
        hostNanos += nanos;
        clock.runDue();
    }

    /** Moves time forward in steps, firing timers at each, as a running machine would. */
    public void advanceInSteps(long nanos, long step) {
        for (long done = 0; done < nanos; done += step) {
            advance(Math.min(step, nanos - done));
        }
    }
}
