package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.atrium.emulator.snapshot.SnapshotFile;
import org.atrium.emulator.snapshot.SnapshotFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Saves a machine that runs the real SeaBIOS (so every chip holds the state firmware left in it)
 * and restores it: the restored machine's parts encode to exactly the bytes in the file, and it
 * runs on. Skipped when Debian's seabios images are absent.
 */
class PcMachineSnapshotTest {
    private static final Path DIR =
            Path.of(System.getProperty("atrium.seabios.dir", "/usr/share/seabios"));
    private static final long PATIENCE_NANOS = TimeUnit.MINUTES.toNanos(3);

    @TempDir Path dir;

    private static boolean waitFor(PcMachine machine, String text) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline && machine.state() != MachineState.STOPPED) {
            if (machine.debugConsoleText().contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private Path seaBiosSnapshot(MachineConfig config) throws Exception {
        PcMachine machine = new PcMachine(config);
        machine.start();
        try {
            assertTrue(waitFor(machine, "Scan for VGA option rom"), "SeaBIOS reached the VGA ROM");
            Path file = dir.resolve("seabios.atrsnap");
            machine.saveSnapshot(file, false);
            assertEquals(MachineState.PAUSED, machine.state(), "left paused as asked");
            return file;
        } finally {
            machine.stop();
        }
    }

    private static MachineConfig seaBios() {
        Path bios = DIR.resolve("bios.bin");
        Path vga = DIR.resolve("vgabios-stdvga.bin");
        assumeTrue(Files.isReadable(bios) && Files.isReadable(vga), "SeaBIOS images not installed");
        return MachineConfig.firmware(32, bios, vga);
    }

    @ParameterizedTest
    @EnumSource(RestoreOptions.RamMode.class)
    void aRestoredMachineHoldsExactlyTheSavedState(RestoreOptions.RamMode mode) throws Exception {
        MachineConfig config = seaBios();
        Path file = seaBiosSnapshot(config);
        byte[] before = Files.readAllBytes(file);
        // The restore needs no BIOS files: the snapshot carries the ROM images.
        MachineConfig withoutImages =
                MachineConfig.firmware(32, dir.resolve("absent-bios.bin"), null);
        PcMachine restored = PcMachine.restore(file, withoutImages, new RestoreOptions(mode, true));
        try (SnapshotFile saved = SnapshotFile.open(file)) {
            int checked = 0;
            for (SnapshotFile.Section section : restored.sections()) {
                if (section.id().equals("ram")) {
                    MemorySegment ram =
                            MemorySegment.ofArray(new byte[(int) section.payload().byteSize()]);
                    saved.copyInto("ram", ram);
                    assertEquals(-1, ram.mismatch(section.payload()), "RAM");
                } else {
                    assertArrayEquals(
                            saved.read(section.id(), Long.MAX_VALUE),
                            section.payload().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                            section.id());
                }
                checked++;
            }
            assertEquals(saved.sections().size(), checked, "every section of the file");
        }
        restored.start();
        try {
            assertTrue(
                    waitFor(restored, "No bootable device") || waitFor(restored, "Booting from"),
                    "SeaBIOS runs on in the restored machine: " + restored.debugConsoleText());
        } finally {
            restored.stop();
        }
        // The guest wrote its RAM all along: a private mapping never writes through to the file.
        assertArrayEquals(before, Files.readAllBytes(file), "snapshot file unchanged");
    }

    @Test
    void aSnapshotOfAnotherRamSizeIsRefused() throws Exception {
        MachineConfig config = seaBios();
        Path file = seaBiosSnapshot(config);
        SnapshotFormatException e =
                assertThrows(
                        SnapshotFormatException.class,
                        () ->
                                PcMachine.restore(
                                        file,
                                        MachineConfig.firmware(64, config.bios(), null),
                                        RestoreOptions.copy()));
        assertTrue(e.getMessage().contains("RAM"), e.getMessage());
    }
}
