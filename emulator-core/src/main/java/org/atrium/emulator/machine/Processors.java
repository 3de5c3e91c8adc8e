package org.atrium.emulator.machine;

import org.atrium.emulator.cpu.Cpu;
import org.atrium.emulator.cpu.CpuFailure;

/** Where the machine gets its CPU. */
final class Processors {
    private Processors() {}

    /** The emulator's interpreting CPU, {@link Cpu}. */
    static ProcessorFactory standard() {
        return (memory, io, interrupts, tsc) -> {
            Cpu cpu = new Cpu(memory, io, interrupts, tsc);
            return new Processor() {
                @Override
                public void reset() {
                    cpu.reset();
                }

                @Override
                public int run(int maxInstructions) {
                    return cpu.run(maxInstructions);
                }

                @Override
                public boolean halted() {
                    return cpu.halted();
                }

                @Override
                public void nmi() {
                    cpu.nmi();
                }

                @Override
                public boolean shutdownRequested() {
                    return cpu.shutdownRequested();
                }

                @Override
                public RuntimeException failure() {
                    CpuFailure f = cpu.failure();
                    return f == null ? null : new IllegalStateException(f.message(), f.cause());
                }
            };
        };
    }
}
