package org.atrium.emulator.time;

/** A one-shot deadline on a {@link VirtualTime}; re-arm it from its callback for periodic work. */
public interface Timer {
    /**
     * Arms the timer for the absolute virtual time {@code deadlineNanos}, replacing any earlier.
     */
    void arm(long deadlineNanos);

    /**
     * Arms the timer for {@code deadlineNanos} and lets a halted machine sleep past it by the
     * clock's idle slack ({@link VirtualClock#setIdleSlack}), so that a deadline of an idle guest
     * costs no wake-up of its own: a deferrable timer, as Linux calls the like. Only for a one-shot
     * deadline whose lateness the guest measures and makes up for itself (it reads its clock when
     * the interrupt comes), never for a periodic one whose late edges it would count as lost ticks.
     * A timer on a clock without idle slack fires on time, as with {@link #arm}.
     */
    default void armDeferrable(long deadlineNanos) {
        arm(deadlineNanos);
    }

    void cancel();

    boolean armed();
}
