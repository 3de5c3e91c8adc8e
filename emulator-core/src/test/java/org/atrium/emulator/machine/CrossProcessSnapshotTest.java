package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The snapshot's promise end to end: a guest computation snapshotted mid-run in this process and
 * restored in another JVM continues and prints exactly what an uninterrupted run prints. The guest
 * ({@link SnapshotTestGuest}) runs on the PIT and PIC interrupts and keeps a value in the x87 all
 * along, so CPU, FPU, timer, interrupt controller, UART, clock and RAM all have to survive.
 */
class CrossProcessSnapshotTest {
    private static final long PATIENCE_NANOS = TimeUnit.MINUTES.toNanos(2);

    @TempDir Path dir;

    private static String runUntil(PcMachine machine, String text) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline && machine.state() != MachineState.STOPPED) {
            if (machine.serialText().contains(text)) {
                return machine.serialText();
            }
            Thread.sleep(2);
        }
        throw new AssertionError("guest did not print " + text + ": " + machine.serialText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "map"})
    void aGuestSnapshottedHereContinuesInAnotherProcess(String ramMode) throws Exception {
        MachineConfig config = SnapshotTestGuest.config(dir);

        PcMachine whole = new PcMachine(config);
        whole.start();
        String expected = runUntil(whole, SnapshotTestGuest.DONE);
        whole.stop();
        assertEquals(256, expected.lines().filter(l -> l.startsWith("t=")).count(), expected);

        PcMachine first = new PcMachine(config);
        first.start();
        runUntil(first, "t=00000300");
        Path snapshot = dir.resolve("mid-run.atrsnap");
        first.saveSnapshot(snapshot, false);
        String before = first.serialText();
        first.stop();
        assertFalse(before.contains(SnapshotTestGuest.DONE), "snapshot taken mid-run: " + before);

        Process second =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        // As every launcher of the emulator (guest RAM, ADR 26).
                                        "--enable-native-access=ALL-UNNAMED",
                                        "-cp",
                                        testClassPath(),
                                        SnapshotResumeMain.class.getName(),
                                        snapshot.toString(),
                                        "16",
                                        config.kernel().toString(),
                                        ramMode,
                                        SnapshotTestGuest.DONE))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String after =
                new String(second.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(second.waitFor(2, TimeUnit.MINUTES), "second process ends");
        assertEquals(0, second.exitValue(), "second process saw the guest finish: " + after);
        assertFalse(after.isEmpty(), "the second process ran part of the computation");
        assertEquals(expected, before + after);
    }

    /** The main and test classes of this module, which need nothing else. */
    static String testClassPath() throws Exception {
        Path main =
                Path.of(
                        PcMachine.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        Path test =
                Path.of(
                        CrossProcessSnapshotTest.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        return main + File.pathSeparator + test;
    }
}
