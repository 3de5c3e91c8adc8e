package org.atrium.emulator.machine;

import org.atrium.emulator.boot.Flat32Entry;
import org.atrium.emulator.cpu.CpuState;

/**
 * What the machine's run loop needs of a CPU: the calls of {@code cpu.Cpu}, behind an interface so
 * the loop can be built and tested while the CPU is developed apart.
 */
interface Processor {
    void reset();

    /** Runs up to {@code maxInstructions}; returns early when halted or on shutdown. */
    int run(int maxInstructions);

    boolean halted();

    void nmi();

    /**
     * Runs guest code from a cache of decoded blocks from now on, or no longer (freeing it); called
     * between {@link #run} calls. A processor without such a cache ignores it.
     */
    default void useDecodedBlocks(boolean on) {}

    boolean shutdownRequested();

    /** Puts the CPU in the state a 32-bit Linux kernel starts in (after {@link #reset()}). */
    void enter(Flat32Entry entry);

    /** The emulator error that stopped the CPU, or {@code null}. */
    RuntimeException failure();

    /** The architectural state, for snapshots. */
    default CpuState state() {
        throw new UnsupportedOperationException("this processor cannot be snapshotted");
    }

    /** Loads a state taken by {@link #state()}. */
    default void restore(CpuState state) {
        throw new UnsupportedOperationException("this processor cannot be snapshotted");
    }
}
