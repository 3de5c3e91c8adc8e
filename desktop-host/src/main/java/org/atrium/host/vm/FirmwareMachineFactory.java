package org.atrium.host.vm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds machines that boot SeaBIOS from a firmware directory. The emulator's {@code PcMachine} has
 * not reached this branch yet, so after checking the firmware this factory refuses with 503 rather
 * than pretend; wiring it is the one change left here once it lands.
 */
public final class FirmwareMachineFactory implements MachineFactory {
    public static final String BIOS = "bios-256k.bin";
    public static final String VGA_BIOS = "vgabios-stdvga.bin";

    private final Path firmwareDir;

    public FirmwareMachineFactory(Path firmwareDir) {
        this.firmwareDir = firmwareDir;
    }

    @Override
    public VmMachine create(String id, VmSpec spec) {
        for (String image : new String[] {BIOS, VGA_BIOS}) {
            if (!Files.isReadable(firmwareDir.resolve(image))) {
                throw new VmProblemException(
                        503,
                        "Firmware missing",
                        image + " is not readable in the configured firmware directory");
            }
        }
        throw new VmProblemException(
                503,
                "Emulator not available",
                "this build of the host has no PcMachine yet; VMs cannot be started");
    }
}
