package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux boot source: which guest, which files, which errors. */
class LinuxMachineFactoryTest {

    @Test
    void anotherGuestNameIsA400(@TempDir Path dir) {
        var factory =
                new LinuxMachineFactory(
                        "debian-i386", dir.resolve("k"), dir.resolve("i"), "console=ttyS0");
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> factory.create("vm", VmSpec.linux(128, "windows-95")));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("debian-i386"), e.getMessage());
    }

    @Test
    void missingGuestFilesAreA503ThatSaysHowToBuildThem(@TempDir Path dir) {
        var factory =
                new LinuxMachineFactory(
                        "debian-i386", dir.resolve("k"), dir.resolve("i"), "console=ttyS0");
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> factory.create("vm", VmSpec.linux(128, "debian-i386")));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("./atrium guest build"), e.getMessage());
    }

    @Test
    void aFileThatIsNoKernelIsA503(@TempDir Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("k"), new byte[4096]);
        Path initrd = Files.write(dir.resolve("i"), new byte[16]);
        var factory = new LinuxMachineFactory("debian-i386", kernel, initrd, "console=ttyS0");
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> factory.create("vm", VmSpec.linux(128, "debian-i386")));
        assertEquals(503, e.status());
    }

    @Test
    void onlyOneBootSourceIsSupported() {
        assertTrue(new VmSpec(32, "seabios").hasSupportedBoot());
        assertTrue(VmSpec.linux(128, "debian-i386").hasSupportedBoot());
        assertFalse(new VmSpec(32, "seabios", "debian-i386").hasSupportedBoot());
        assertFalse(new VmSpec(32, null, null).hasSupportedBoot());
        assertFalse(new VmSpec(32, "ovmf").hasSupportedBoot());
    }
}
