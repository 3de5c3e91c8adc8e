package org.atrium.host.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.atrium.emulator.machine.MachineConfig;

/**
 * Builds {@link PcMachineVm}s that boot SeaBIOS and SeaVGABIOS (for the std VGA) from the host's
 * firmware directory, the boot source {@code {"firmware": "seabios"}}.
 */
public final class FirmwareMachineFactory implements MachineFactory {
    public static final String BIOS = "bios.bin";
    public static final String VGA_BIOS = "vgabios-stdvga.bin";

    private final Path firmwareDir;

    public FirmwareMachineFactory(Path firmwareDir) {
        this.firmwareDir = firmwareDir;
    }

    @Override
    public VmMachine create(String id, VmSpec spec) {
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
        Path bios = firmwareDir.resolve(BIOS);
        Path vgaBios = firmwareDir.resolve(VGA_BIOS);
        for (Path image : new Path[] {bios, vgaBios}) {
            if (!Files.isReadable(image)) {
                throw new VmProblemException(
                        503,
                        "Firmware missing",
                        image.getFileName()
                                + " is not readable in the configured firmware directory");
            }
        }
        try {
            return PcMachineVm.create(MachineConfig.firmware(spec.memoryMiB(), bios, vgaBios));
        } catch (IOException e) {
            throw new VmProblemException(503, "Firmware unreadable", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new VmProblemException(503, "Firmware not usable", e.getMessage());
        }
    }
}
