package org.atrium.emulator.time;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * The machine's virtual clock: it follows a host nanosecond source while running and stands still
 * while paused, so a paused VM sees no time pass. Timers are kept here and fired by {@link
 * #runDue()} on the machine's thread; the machine sleeps until {@link #nextDeadline()} when the CPU
 * is halted. Not thread-safe: used only by the thread that runs the machine.
 */
public final class VirtualClock implements VirtualTime, Snapshottable<VirtualClock.ClockState> {
    /**
     * Virtual time at the snapshot. Timers are not part of it: each device saves its own deadlines
     * and arms them again on restore.
     */
    public record ClockState(long nanos) {
        public ClockState {
            if (nanos < 0) {
                throw new IllegalArgumentException("virtual time cannot be negative");
            }
        }
    }

    /** Returned by {@link #nextDeadline()} when no timer is armed. */
    public static final long NEVER = Long.MAX_VALUE;

    private final LongSupplier source;
    private final List<ClockTimer> timers = new ArrayList<>();
    private long origin;
    private long pausedAt;
    private boolean paused;
    private long last;
    private long expiries;
    private long idleSlack;

    /** A clock that starts at zero now and is driven by {@code source} (host nanoseconds). */
    public VirtualClock(LongSupplier source) {
        this.source = source;
        this.origin = source.getAsLong();
    }

    @Override
    public long nanos() {
        long now = paused ? pausedAt - origin : source.getAsLong() - origin;
        // Guards against a host source that steps back: virtual time must be monotonic.
        if (now < last) {
            now = last;
        }
        last = now;
        return now;
    }

    /**
     * Sets the clock to {@code virtualNanos}, as when a snapshot taken at that virtual time is
     * loaded; the clock stays paused or running as it was. Armed timers keep their deadlines.
     */
    public void restore(long virtualNanos) {
        if (virtualNanos < 0) {
            throw new IllegalArgumentException("virtual time cannot be negative");
        }
        long host = paused ? pausedAt : source.getAsLong();
        origin = host - virtualNanos;
        last = virtualNanos;
    }

    @Override
    public String id() {
        return "clock";
    }

    @Override
    public Class<ClockState> stateType() {
        return ClockState.class;
    }

    @Override
    public ClockState snapshot() {
        return new ClockState(nanos());
    }

    @Override
    public void restore(ClockState state) {
        restore(state.nanos());
    }

    /** Stops virtual time; idempotent. */
    public void pause() {
        if (!paused) {
            pausedAt = source.getAsLong();
            paused = true;
        }
    }

    /** Lets virtual time run again from where it stopped; idempotent. */
    public void resume() {
        if (paused) {
            origin += source.getAsLong() - pausedAt;
            paused = false;
        }
    }

    public boolean paused() {
        return paused;
    }

    @Override
    public Timer timer(Runnable onExpiry) {
        return timer(onExpiry, 0);
    }

    /**
     * A timer that may fire up to {@code slackNanos} after its deadline: it runs at the first
     * {@link #runDue()} past its deadline, but {@link #nextDeadline()} counts it only at the end of
     * its slack, so a machine that wakes for other timers anyway does not wake for it alone. For
     * host-side work such as display refreshes; a guest-visible timer needs no slack.
     */
    public Timer timer(Runnable onExpiry, long slackNanos) {
        if (slackNanos < 0) {
            throw new IllegalArgumentException("negative slack: " + slackNanos);
        }
        ClockTimer timer = new ClockTimer(onExpiry, slackNanos);
        timers.add(timer);
        return timer;
    }

    /**
     * How far past its deadline a machine may sleep for a timer armed with {@link
     * Timer#armDeferrable}: zero (the default) while the guest is in use, the machine's idle timer
     * slack while it is idle. Timers still fire at the first {@link #runDue()} past their deadline;
     * only {@link #nextDeadline()} moves.
     */
    public void setIdleSlack(long slackNanos) {
        if (slackNanos < 0) {
            throw new IllegalArgumentException("negative slack: " + slackNanos);
        }
        idleSlack = slackNanos;
    }

    public long idleSlack() {
        return idleSlack;
    }

    /** How many timer callbacks {@link #runDue()} has run so far. */
    public long expiries() {
        return expiries;
    }

    /**
     * The earliest time by which an armed timer must run (its deadline plus its slack, or plus the
     * idle slack if that is longer and the timer is deferrable), or {@link #NEVER}.
     */
    public long nextDeadline() {
        long next = NEVER;
        // Indexed loops: an idle machine runs these at every wake-up and should allocate nothing.
        for (int i = 0, n = timers.size(); i < n; i++) {
            ClockTimer t = timers.get(i);
            if (t.armed) {
                long latest = t.deadline + (t.deferrable ? Math.max(t.slack, idleSlack) : t.slack);
                // A deadline near the end of time must not wrap around with its slack.
                if (latest < t.deadline) {
                    latest = NEVER;
                }
                if (latest < next) {
                    next = latest;
                }
            }
        }
        return next;
    }

    /**
     * Fires every timer whose deadline has passed, earliest first; a timer re-armed by its callback
     * for a time already past fires again in the same call.
     */
    public void runDue() {
        while (true) {
            long now = nanos();
            ClockTimer due = null;
            for (int i = 0, n = timers.size(); i < n; i++) {
                ClockTimer t = timers.get(i);
                if (t.armed && t.deadline <= now && (due == null || t.deadline < due.deadline)) {
                    due = t;
                }
            }
            if (due == null) {
                return;
            }
            due.armed = false;
            expiries++;
            due.onExpiry.run();
        }
    }

    private static final class ClockTimer implements Timer {
        private final Runnable onExpiry;
        private final long slack;
        private long deadline;
        private boolean armed;
        private boolean deferrable;

        ClockTimer(Runnable onExpiry, long slack) {
            this.onExpiry = onExpiry;
            this.slack = slack;
        }

        @Override
        public void arm(long deadlineNanos) {
            arm(deadlineNanos, false);
        }

        @Override
        public void armDeferrable(long deadlineNanos) {
            arm(deadlineNanos, true);
        }

        private void arm(long deadlineNanos, boolean mayDefer) {
            deadline = deadlineNanos;
            armed = true;
            deferrable = mayDefer;
        }

        @Override
        public void cancel() {
            armed = false;
        }

        @Override
        public boolean armed() {
            return armed;
        }
    }
}
