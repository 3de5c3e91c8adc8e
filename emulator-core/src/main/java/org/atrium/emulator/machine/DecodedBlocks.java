package org.atrium.emulator.machine;

/**
 * When a machine's CPU runs guest code from its cache of decoded blocks (ADR 17). The guest sees no
 * difference; only the host's cost does: a busy guest runs faster with the cache, an idle one's
 * timer ticks cost less without it (docs/benchmarks.md, "Periodic tick").
 */
public enum DecodedBlocks {
    /** Always, as {@code ./atrium vm} runs: one busy guest per process. */
    ALWAYS,
    /** Never: every instruction is decoded afresh. */
    NEVER,
    /**
     * While the guest keeps its CPU busy: on once it runs many instructions a second of virtual
     * time, off (and the cache's memory freed) once it has been nearly idle for a while ({@link
     * GuestActivity}). The desktop host's default, since a host runs mostly idle desktops with now
     * and then a busy one.
     */
    WHEN_BUSY
}
