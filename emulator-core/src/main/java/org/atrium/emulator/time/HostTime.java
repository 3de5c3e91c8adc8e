package org.atrium.emulator.time;

/**
 * The host's clocks, the only source of real time the emulator sees. It is injected into a machine
 * so that nothing inside the emulator reads the wall clock itself, and tests can substitute a
 * controlled clock.
 */
public interface HostTime {
    /** A monotonic nanosecond counter with an arbitrary origin. */
    long monotonicNanos();

    /** Milliseconds since 1970-01-01T00:00:00Z, used only to set the RTC at power-on. */
    long epochMillis();

    /** The host's real clocks. */
    static HostTime system() {
        return new HostTime() {
            @Override
            public long monotonicNanos() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }
        };
    }
}
