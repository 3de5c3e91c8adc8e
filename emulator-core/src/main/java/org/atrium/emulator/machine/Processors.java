package org.atrium.emulator.machine;

/** Where the machine gets its CPU. */
final class Processors {
    private Processors() {}

    /**
     * The emulator's CPU. Until {@code cpu.Cpu} is merged into this branch, building a processor
     * fails with a clear message rather than running anything.
     */
    static ProcessorFactory standard() {
        return (memory, io, interrupts, tsc) -> {
            throw new IllegalStateException("this build has no CPU yet (cpu.Cpu not merged)");
        };
    }
}
