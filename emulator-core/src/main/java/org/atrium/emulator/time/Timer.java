package org.atrium.emulator.time;

/** A one-shot deadline on a {@link VirtualTime}; re-arm it from its callback for periodic work. */
public interface Timer {
    /**
     * Arms the timer for the absolute virtual time {@code deadlineNanos}, replacing any earlier.
     */
    void arm(long deadlineNanos);

    void cancel();

    boolean armed();
}
