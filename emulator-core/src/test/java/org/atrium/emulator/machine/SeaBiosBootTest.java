package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Boots the real SeaBIOS and its VGA BIOS on the whole machine (board, CPU, VGA) and reads what
 * SeaBIOS logs to the debug console and what it shows on the VGA text screen. The images come from
 * the directory in the {@code atrium.seabios.dir} system property, by default where Debian's {@code
 * seabios} package installs them; the test is skipped when they are absent.
 */
class SeaBiosBootTest {
    private static final Path DIR =
            Path.of(System.getProperty("atrium.seabios.dir", "/usr/share/seabios"));

    /** Host time the machine gets to reach a milestone; generous for a slow shared CI host. */
    private static final long PATIENCE_NANOS = TimeUnit.MINUTES.toNanos(3);

    private static boolean waitFor(PcMachine machine, String text) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (System.nanoTime() < deadline && machine.state() != MachineState.STOPPED) {
            if (machine.debugConsoleText().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return machine.debugConsoleText().contains(text);
    }

    /** The 80x25 text screen at 0xB8000, one line per row, read through the VGA's window. */
    private static String textScreen(PcBoard board) {
        StringBuilder screen = new StringBuilder();
        for (int row = 0; row < 25; row++) {
            for (int col = 0; col < 80; col++) {
                int ch = board.memory().read8(0xB8000 + 2 * (row * 80 + col));
                screen.append(ch >= 0x20 && ch < 0x7F ? (char) ch : ' ');
            }
            screen.append('\n');
        }
        return screen.toString();
    }

    @Test
    void seaBiosShowsItsBannerAndFindsNoBootableDevice() throws Exception {
        Path bios = DIR.resolve("bios.bin");
        Path vga = DIR.resolve("vgabios-stdvga.bin");
        assumeTrue(Files.isReadable(bios) && Files.isReadable(vga), "SeaBIOS images not installed");

        PcMachine machine = new PcMachine(MachineConfig.firmware(32, bios, vga));
        ExitReason[] exit = new ExitReason[1];
        Throwable[] error = new Throwable[1];
        machine.addExitListener(
                (reason, cause) -> {
                    exit[0] = reason;
                    error[0] = cause;
                });
        machine.start();
        try {
            boolean banner = waitFor(machine, "SeaBIOS (version");
            assertTrue(
                    banner,
                    () ->
                            "no banner; exit "
                                    + exit[0]
                                    + " "
                                    + error[0]
                                    + "\n"
                                    + machine.debugConsoleText());
            assertTrue(
                    waitFor(machine, "No bootable device."),
                    () -> "exit " + exit[0] + " " + error[0] + "\n" + machine.debugConsoleText());
            String log = machine.debugConsoleText();
            assertTrue(log.contains("Running on QEMU (i440fx)"), log);
            assertTrue(log.contains("Running option rom at c000:0003"), log);
            assertTrue(log.contains("RamSize: 0x02000000 [cmos]"), log);
            String screen = machine.inspect(PcMachineTestAccess::textScreen);
            assertTrue(screen.startsWith("SeaBIOS (version"), screen);
            assertTrue(screen.contains("No bootable device."), screen);
            assertEquals(MachineState.RUNNING, machine.state());
        } finally {
            machine.stop();
        }
        assertEquals(ExitReason.STOPPED_BY_HOST, exit[0]);
    }

    @Test
    void escapeAtThePromptOpensTheBootMenuThroughThePs2Keyboard() throws Exception {
        Path bios = DIR.resolve("bios.bin");
        Path vga = DIR.resolve("vgabios-stdvga.bin");
        assumeTrue(Files.isReadable(bios) && Files.isReadable(vga), "SeaBIOS images not installed");

        PcMachine machine = new PcMachine(MachineConfig.firmware(32, bios, vga));
        machine.start();
        try {
            assertTrue(waitFor(machine, "Press ESC for boot menu."), machine::debugConsoleText);
            // The XT scan code of Escape, pressed and released, as an RFB client would send it.
            machine.keyboard().key(0x01, true);
            machine.keyboard().key(0x01, false);
            assertTrue(waitFor(machine, "Select boot device:"), machine::debugConsoleText);
            String screen = machine.inspect(PcMachineTestAccess::textScreen);
            assertTrue(screen.contains("Select boot device:"), screen);
        } finally {
            machine.stop();
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @Test
    void hostResetRunsThePowerOnSelfTestAgain() throws Exception {
        Path bios = DIR.resolve("bios.bin");
        Path vga = DIR.resolve("vgabios-stdvga.bin");
        assumeTrue(Files.isReadable(bios) && Files.isReadable(vga), "SeaBIOS images not installed");

        PcMachine machine = new PcMachine(MachineConfig.firmware(32, bios, vga));
        machine.start();
        try {
            assertTrue(waitFor(machine, "No bootable device."), machine::debugConsoleText);
            assertEquals(1, count(machine.debugConsoleText(), "Running on QEMU (i440fx)"));
            machine.reset();
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (count(machine.debugConsoleText(), "Press ESC for boot menu.") < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String log = machine.debugConsoleText();
            // The ROM is read again after reset (PAM cleared), so POST starts from scratch.
            assertEquals(2, count(log, "Running on QEMU (i440fx)"), log);
            assertEquals(2, count(log, "Start SeaVGABIOS"), log);
            assertEquals(2, count(log, "Press ESC for boot menu."), log);
        } finally {
            machine.stop();
        }
    }

    /** Keeps the screen reader next to the test while letting inspect() take a method reference. */
    static final class PcMachineTestAccess {
        private PcMachineTestAccess() {}

        static String textScreen(PcBoard board) {
            return SeaBiosBootTest.textScreen(board);
        }
    }
}
