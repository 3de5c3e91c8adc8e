package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.atrium.emulator.machine.ExitReason;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.PcMachine;
import org.junit.jupiter.api.Test;

/**
 * Boots Debian 12's i386 kernel with a busybox initramfs (both made by {@code
 * guests/debian-i386/build}, which this test runs: it downloads the packages the first time) to a
 * shell on the serial console, runs a few commands there and powers the machine off. Nothing is
 * mocked: it is the whole emulator against a real guest.
 */
class LinuxGuestBootIT {
    // Generous: the emulator is an interpreter and CI machines are shared. This bounds a hang; the
    // test asserts no duration.
    private static final Duration BOOT_LIMIT = Duration.ofMinutes(30);
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(5);

    @Test
    void debianKernelBootsToABusyboxShellAndPowersOff() throws Exception {
        GuestConsole.Guest guest = GuestConsole.buildGuest();
        assertTrue(Files.size(guest.kernel()) > 1 << 20, "kernel present");

        PcMachine machine =
                new PcMachine(
                        MachineConfig.linux(
                                256, null, guest.kernel(), guest.initramfs(), "console=ttyS0"));
        // The whole console transcript goes to target/LinuxGuestBootIT-serial.log as it comes.
        GuestConsole console = new GuestConsole(machine, COMMAND_LIMIT, "LinuxGuestBootIT");
        machine.start();
        try {
            console.awaitOutput("ATRIUM-GUEST-READY", 0, BOOT_LIMIT);
            console.awaitOutput(GuestConsole.PROMPT, 0, COMMAND_LIMIT);

            String uname = console.run("uname -a");
            assertTrue(uname.contains("Linux"), uname);
            assertTrue(uname.contains("6.1.0-"), uname);
            assertTrue(uname.contains("686"), uname);

            String cpuinfo = console.run("cat /proc/cpuinfo");
            assertTrue(cpuinfo.matches("(?s).*fpu\\s*: yes.*"), cpuinfo);
            assertTrue(cpuinfo.matches("(?s).*flags\\s*:.* fpu .*cx8.*cmov.*"), cpuinfo);

            assertEquals("42", console.run("echo $((6*7))").strip());

            console.run("echo hello > /tmp/f");
            // md5("hello\n"), as coreutils computes it on the host.
            String md5 = console.run("md5sum /tmp/f");
            assertTrue(md5.contains("b1946ac92492d2347c6235b4d2611184  /tmp/f"), md5);

            console.send("poweroff -f");
            assertEquals(
                    ExitReason.POWER_OFF,
                    console.awaitExit(COMMAND_LIMIT),
                    () -> "after poweroff -f:\n" + console.tail());
        } finally {
            machine.stop();
        }
    }
}
