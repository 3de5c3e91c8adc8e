package org.atrium.emulator.machine;

import java.util.function.LongSupplier;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.cpu.InterruptSource;

/** Builds the CPU of a machine from the buses the board decodes. */
@FunctionalInterface
interface ProcessorFactory {
    Processor create(
            PhysicalMemory memory,
            IoPorts io,
            InterruptSource interrupts,
            LongSupplier timestampCounter);
}
