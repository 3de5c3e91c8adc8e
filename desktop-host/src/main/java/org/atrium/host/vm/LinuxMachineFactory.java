package org.atrium.host.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.atrium.emulator.machine.MachineConfig;

/**
 * Builds {@link PcMachineVm}s that start the host's Linux guest directly (no BIOS): the boot source
 * {@code {"linux": "<name>"}}. The kernel, initramfs and command line come from the host's
 * configuration ({@code atrium.host.linux.*}); {@code ./atrium guest build} makes the files.
 */
public final class LinuxMachineFactory implements MachineFactory {
    private final String name;
    private final Path kernel;
    private final Path initrd;
    private final String commandLine;

    public LinuxMachineFactory(String name, Path kernel, Path initrd, String commandLine) {
        this.name = name;
        this.kernel = kernel;
        this.initrd = initrd;
        this.commandLine = commandLine;
    }

    @Override
    public VmMachine create(String id, VmSpec spec) {
        if (!name.equals(spec.linux())) {
            throw new VmProblemException(
                    400,
                    "Unknown Linux guest",
                    "this host has the Linux guest \"" + name + "\", not \"" + spec.linux() + "\"");
        }
        if (spec.memoryMiB() < MachineConfig.MIN_MEMORY_MIB
                || spec.memoryMiB() > MachineConfig.MAX_MEMORY_MIB) {
            throw new VmProblemException(
                    400,
                    "Invalid memory size",
                    "memoryMiB must be between "
                            + MachineConfig.MIN_MEMORY_MIB
                            + " and "
                            + MachineConfig.MAX_MEMORY_MIB);
        }
        for (Path file : new Path[] {kernel, initrd}) {
            if (!Files.isReadable(file)) {
                throw new VmProblemException(
                        503,
                        "Guest missing",
                        file.getFileName()
                                + " of the Linux guest \""
                                + name
                                + "\" is not readable; run ./atrium guest build and set"
                                + " atrium.host.linux.kernel and atrium.host.linux.initrd");
            }
        }
        try {
            return PcMachineVm.create(
                    MachineConfig.linux(spec.memoryMiB(), null, kernel, initrd, commandLine));
        } catch (IOException e) {
            throw new VmProblemException(503, "Guest unreadable", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new VmProblemException(503, "Guest not bootable", e.getMessage());
        }
    }
}
