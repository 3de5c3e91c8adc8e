package org.atrium.emulator.machine;

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

    boolean shutdownRequested();

    /** The emulator error that stopped the CPU, or {@code null}. */
    RuntimeException failure();
}
