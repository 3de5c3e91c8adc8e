package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.atrium.emulator.boot.GuestConsole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian 12's i386 kernel with a busybox initramfs ({@code guests/debian-i386/build}, which this
 * test runs; it honours {@code ATRIUM_GUEST_CACHE}) boots to a shell, is snapshotted there, and a
 * second JVM restores it with RAM mapped copy-on-write: the shell there answers a command typed
 * after the restore, so the kernel's timers, the UART and the interrupt controllers all went on.
 */
class LinuxSnapshotIT {
    private static final long BOOT_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(30);
    private static final String PROMPT = "/ # ";

    @TempDir Path dir;

    private static void waitFor(PcMachine machine, String text) throws InterruptedException {
        long deadline = System.nanoTime() + BOOT_LIMIT_NANOS;
        while (!machine.serialText().contains(text)) {
            if (System.nanoTime() > deadline || machine.state() == MachineState.STOPPED) {
                throw new AssertionError(
                        "guest did not print " + text + ": " + machine.serialText());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aBootedLinuxShellContinuesInAnotherProcess() throws Exception {
        GuestConsole.Guest guest = GuestConsole.buildGuest();
        MachineConfig config =
                MachineConfig.linux(256, null, guest.kernel(), guest.initramfs(), "console=ttyS0");
        PcMachine machine = new PcMachine(config);
        Path snapshot = dir.resolve("linux.atrsnap");
        machine.start();
        try {
            waitFor(machine, PROMPT);
            machine.serialToGuest()
                    .write("echo before-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            waitFor(machine, "before-42");
            waitFor(machine, "before-42\r\n" + PROMPT);
            machine.saveSnapshot(snapshot, false);
        } finally {
            machine.stop();
        }

        Process second =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        // As every launcher of the emulator (guest RAM, ADR 26).
                                        "--enable-native-access=ALL-UNNAMED",
                                        "-cp",
                                        CrossProcessSnapshotTest.testClassPath(),
                                        SnapshotResumeMain.class.getName(),
                                        snapshot.toString(),
                                        "256",
                                        guest.kernel().toString(),
                                        "map",
                                        "after-42",
                                        "echo after-$((6*7))\n"))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String after =
                new String(second.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(second.waitFor(15, TimeUnit.MINUTES), "second process ends");
        assertEquals(0, second.exitValue(), "the restored shell answered: " + after);
        assertTrue(after.contains("after-42"), after);
    }
}
