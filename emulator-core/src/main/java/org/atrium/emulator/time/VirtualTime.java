package org.atrium.emulator.time;

/**
 * What a device sees of time: the machine's virtual clock in nanoseconds since power-on, and timers
 * that fire on the machine's thread when the clock passes their deadline.
 */
public interface VirtualTime {
    /** Nanoseconds of virtual time since the machine was created; never goes backwards. */
    long nanos();

    /** Creates a disarmed timer that runs {@code onExpiry} on the machine's thread. */
    Timer timer(Runnable onExpiry);
}
