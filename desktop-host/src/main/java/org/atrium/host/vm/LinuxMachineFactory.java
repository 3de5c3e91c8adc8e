package org.atrium.host.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.atrium.emulator.machine.DiskImageException;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.machine.MachineConfig;

/**
 * Builds {@link PcMachineVm}s that start the host's Linux guest directly (no BIOS): the boot source
 * {@code {"linux": "<name>"}}. The kernel, initramfs and command line come from the host's
 * configuration ({@code atrium.host.linux.*}); {@code ./atrium guest build} makes the files. {@link
 * PcMachineFactory} hands it these boots after checking the memory size.
 */
public final class LinuxMachineFactory implements MachineFactory {
    private final String name;
    private final Path kernel;
    private final Path initrd;
    private final String commandLine;

    /**
     * What the host's Linux guest writes on its serial console once its shells run (its /init,
     * guests/debian-i386/build).
     */
    public static final String GUEST_READY = "ATRIUM-GUEST-READY";

    public LinuxMachineFactory(String name, Path kernel, Path initrd, String commandLine) {
        this.name = name;
        this.kernel = kernel;
        this.initrd = initrd;
        this.commandLine = commandLine;
    }

    @Override
    public VmMachine create(String id, VmSpec spec) {
        return create(id, spec, List.of(), MachineTuning.HOST_DEFAULT);
    }

    /**
     * The guest with {@code drives} on its IDE controller (the VM's disk overlays), run as {@code
     * tuning} says.
     */
    public VmMachine create(
            String id, VmSpec spec, List<DriveConfig> drives, MachineTuning tuning) {
        String asked = spec.boot() instanceof BootSource.Linux(String guest) ? guest : null;
        if (!name.equals(asked)) {
            throw new VmProblemException(
                    400,
                    "Unknown Linux guest",
                    "this host has the Linux guest \"" + name + "\", not \"" + asked + "\"");
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
            PcMachineVm vm =
                    PcMachineVm.create(
                            tuning.apply(
                                    MachineConfig.linux(
                                                    spec.memoryMiB(),
                                                    null,
                                                    kernel,
                                                    initrd,
                                                    commandLine)
                                            .withDrives(drives)));
            vm.watchGuest(GUEST_READY);
            return vm;
        } catch (DiskImageException e) {
            throw VmProblemException.diskNotUsable(id, e);
        } catch (IOException e) {
            throw new VmProblemException(503, "Guest unreadable", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new VmProblemException(503, "Guest not bootable", e.getMessage());
        }
    }
}
