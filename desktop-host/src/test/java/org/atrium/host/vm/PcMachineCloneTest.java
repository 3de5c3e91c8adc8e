package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.atrium.emulator.snapshot.SnapshotFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instant clones of a real machine: SeaBIOS boots a template to its "no bootable device" wait, the
 * supervisor snapshots it, and two clones start from the snapshot with RAM mapped copy-on-write. A
 * key typed into one clone lands in that clone's BIOS keyboard buffer only, and the snapshot file
 * stays byte for byte what it was.
 */
class PcMachineCloneTest {
    private static final Path SEABIOS = TestBios.SEABIOS;
    // BIOS data area: keyboard buffer head and tail pointers, and the timer tick count.
    private static final int KEYBOARD_TAIL = 0x41C;
    private static final int KEYBOARD_HEAD = 0x41A;
    private static final int TICKS = 0x46C;

    @Test
    void twoClonesDivergeIndependentlyAndTheSnapshotStaysUnchanged(@TempDir Path dir)
            throws Exception {
        TestBios.assumeInstalled();
        SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
        VmSupervisor supervisor =
                new VmSupervisor(
                        new PcMachineFactory(SEABIOS, null, store, null), 256, 8, store, null);
        try {
            Vm template = supervisor.create("template", new VmSpec(16, "seabios")).vm();
            TestBios.waitForBootAttempt(template);
            SnapshotStore.Entry golden = supervisor.snapshot("template", "golden");
            supervisor.delete("template");
            byte[] before = sha256(golden.file());
            byte[] goldenRam = ram(golden.file());

            Vm a =
                    supervisor
                            .create("a", new VmSpec(0, new BootSource.Snapshot("golden"), null))
                            .vm();
            Vm b =
                    supervisor
                            .create("b", new VmSpec(0, new BootSource.Snapshot("golden"), null))
                            .vm();
            assertEquals(16, a.spec().memoryMiB());
            assertEquals(VmState.RUNNING, a.state());
            assertEquals(VmState.RUNNING, b.state());
            // XT scan code of 'a' pressed and released, into clone a only.
            a.machine().keyboard().key(0x1E, true);
            a.machine().keyboard().key(0x1E, false);
            byte[] ramA = waitForKey(supervisor, "a", dir.resolve("a.snapshot"), goldenRam);
            byte[] ramB = savedRam(supervisor, "b", dir.resolve("b.snapshot"));

            assertNotEquals(word(ramA, KEYBOARD_HEAD), word(ramA, KEYBOARD_TAIL), "a has a key");
            assertEquals(word(ramB, KEYBOARD_HEAD), word(ramB, KEYBOARD_TAIL), "b has none");
            assertEquals(word(goldenRam, KEYBOARD_HEAD), word(goldenRam, KEYBOARD_TAIL));
            // Both clones ran on: the BIOS counted timer ticks into their own RAM.
            assertTrue(dword(ramA, TICKS) > dword(goldenRam, TICKS), "a's BIOS ran on");
            assertTrue(dword(ramB, TICKS) > dword(goldenRam, TICKS), "b's BIOS ran on");
            assertArrayEquals(before, sha256(golden.file()), "the snapshot file is unchanged");
            assertArrayEquals(goldenRam, ram(golden.file()));
        } finally {
            supervisor.stopAll();
        }
    }

    /**
     * Snapshots clone {@code id} until its BIOS has taken the key and counted a timer tick since
     * {@code golden} (a tick is 55 ms, so a quick key alone can beat it), then answers its RAM.
     */
    private static byte[] waitForKey(VmSupervisor supervisor, String id, Path file, byte[] golden)
            throws Exception {
        byte[] ram = null;
        for (int i = 0; i < 100; i++) {
            ram = savedRam(supervisor, id, file);
            if (word(ram, KEYBOARD_HEAD) != word(ram, KEYBOARD_TAIL)
                    && dword(ram, TICKS) > dword(golden, TICKS)) {
                return ram;
            }
            Thread.sleep(100);
        }
        return ram;
    }

    private static byte[] savedRam(VmSupervisor supervisor, String id, Path file) throws Exception {
        Files.deleteIfExists(file);
        supervisor.find(id).orElseThrow().machine().saveSnapshot(file);
        return ram(file);
    }

    private static byte[] ram(Path file) throws Exception {
        try (SnapshotFile snapshot = SnapshotFile.open(file)) {
            return snapshot.read("ram", 64 << 20);
        }
    }

    private static int word(byte[] ram, int at) {
        return (ram[at] & 0xFF) | (ram[at + 1] & 0xFF) << 8;
    }

    private static long dword(byte[] ram, int at) {
        return word(ram, at) | (long) word(ram, at + 2) << 16;
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
