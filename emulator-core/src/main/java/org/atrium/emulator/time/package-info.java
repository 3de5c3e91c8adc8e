/**
 * Virtual time. {@link org.atrium.emulator.time.VirtualClock} follows an injected host clock
 * ({@link org.atrium.emulator.time.HostTime}) while the machine runs and stands still while it is
 * paused; devices see it as {@link org.atrium.emulator.time.VirtualTime} and schedule {@link
 * org.atrium.emulator.time.Timer} deadlines on it instead of counting cycles. Nothing else in the
 * emulator reads the host's clocks.
 */
package org.atrium.emulator.time;
