package org.atrium.host.vm;

/** Builds the machine of a new VM; the one place that knows about emulator-core's machine. */
@FunctionalInterface
public interface MachineFactory {
    /**
     * @throws VmProblemException when the spec cannot be served (missing firmware, bad size)
     */
    VmMachine create(String id, VmSpec spec);
}
