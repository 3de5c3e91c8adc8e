package org.atrium.host.vm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** SeaBIOS in a test VM with no bootable disk, or with one it boots. */
final class TestBios {
    /** Debian's {@code seabios} package, or the directory {@code atrium.seabios.dir} names. */
    static final Path SEABIOS =
            Path.of(System.getProperty("atrium.seabios.dir", "/usr/share/seabios"));

    private TestBios() {}

    /** Skips the test when the SeaBIOS images are not installed. */
    static void assumeInstalled() {
        assumeTrue(
                Files.isReadable(SEABIOS.resolve(PcMachineFactory.BIOS))
                        && Files.isReadable(SEABIOS.resolve(PcMachineFactory.VGA_BIOS)),
                "SeaBIOS images not installed");
    }

    /**
     * Waits (up to a minute) until the BIOS has tried to boot: it found no bootable device or
     * started one, so its POST, and the VM's state of interest, are done.
     */
    static void waitForBootAttempt(Vm vm) throws InterruptedException {
        PcMachineVm machine = (PcMachineVm) vm.machine();
        for (int i = 0; i < 600; i++) {
            String log = machine.machine().debugConsoleText();
            if (log.contains("No bootable device") || log.contains("Booting from")) return;
            Thread.sleep(100);
        }
        throw new AssertionError("SeaBIOS did not finish: " + machine.machine().debugConsoleText());
    }
}
