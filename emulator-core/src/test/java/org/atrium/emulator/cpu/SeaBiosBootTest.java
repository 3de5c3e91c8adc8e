package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the real SeaBIOS and SeaVGABIOS images on the CPU with a crude stand-in board ({@link
 * CrudeBiosBoard}: the chipset is built elsewhere) and checks that both firmwares get through POST
 * to the boot menu prompt. The images come from the directory in the {@code atrium.seabios.dir}
 * system property, by default where Debian's {@code seabios} package installs them; the test is
 * skipped when they are absent.
 */
class SeaBiosBootTest {
    private static final Path DIR =
            Path.of(System.getProperty("atrium.seabios.dir", "/usr/share/seabios"));

    @Test
    void seaBiosAndSeaVgaBiosReachTheBootMenuPrompt() throws Exception {
        Path bios = DIR.resolve("bios.bin");
        Path vga = DIR.resolve("vgabios-stdvga.bin");
        assumeTrue(Files.isReadable(bios) && Files.isReadable(vga), "SeaBIOS images not installed");

        CrudeBiosBoard board = new CrudeBiosBoard(bios, vga, 32);
        board.run(20_000_000);

        assertNull(board.cpu.failure(), () -> "emulator failure: " + board.cpu.failure());
        assertFalse(board.cpu.shutdownRequested(), "triple fault");
        String log = board.debug.toString();
        assertTrue(log.contains("Running option rom at c000:0003"), log);
        assertTrue(log.contains("Start SeaVGABIOS"), log);
        assertTrue(log.contains("set VGA mode 3"), log);
        assertTrue(log.contains("Press ESC for boot menu."), log);
        // The VGA BIOS's teletype output landed in the text buffer.
        String screen = board.textScreen();
        assertTrue(screen.startsWith("SeaBIOS (version"), screen);
        assertTrue(screen.contains("Press ESC for boot menu."), screen);
    }

    @Test
    void withATimerSeaBiosGivesUpBootingAndRebootsByTripleFault() throws Exception {
        Path bios = DIR.resolve("bios.bin");
        Path vga = DIR.resolve("vgabios-stdvga.bin");
        assumeTrue(Files.isReadable(bios) && Files.isReadable(vga), "SeaBIOS images not installed");

        CrudeBiosBoard board = new CrudeBiosBoard(bios, vga, 32);
        // IRQ0 every 5000 steps drives SeaBIOS's tick count through the boot-menu and retry waits.
        board.timerPeriod = 5_000;
        board.run(100_000_000);

        assertNull(board.cpu.failure(), () -> "emulator failure: " + board.cpu.failure());
        String log = board.debug.toString();
        assertTrue(log.contains("Booting from Floppy..."), log);
        assertTrue(log.contains("No bootable device."), log);
        // The crude board ignores the 0xCF9 reset, so SeaBIOS falls back to a triple fault.
        assertTrue(log.contains("Attempting a hard reboot"), log);
        assertTrue(board.cpu.shutdownRequested(), "hard reboot ends in a triple fault");
    }
}
