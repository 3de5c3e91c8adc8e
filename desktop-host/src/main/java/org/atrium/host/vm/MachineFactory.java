package org.atrium.host.vm;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Builds the machine of a new VM; the one place that knows about emulator-core's machine. */
@FunctionalInterface
public interface MachineFactory extends AutoCloseable {
    /**
     * @throws VmProblemException when the spec cannot be served (missing firmware, bad size)
     */
    VmMachine create(String id, VmSpec spec);

    /**
     * Readies stored snapshot {@code name} for its clones in the background, so that the first of
     * them starts as fast as the others; a machine this starts for it is handed to {@code started}
     * first. Completes with what was done, or with what is wrong with the snapshot. Nothing by
     * default.
     */
    default CompletableFuture<?> prepareInBackground(String name, Consumer<VmMachine> started) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Whether stored snapshot {@code name}, as its file is now, was found damaged: its clones are
     * refused until it changes. False by default.
     */
    default boolean knownDamaged(String name) {
        return false;
    }

    /** Ends background work; the machines built stay the supervisor's. */
    @Override
    default void close() {}
}
