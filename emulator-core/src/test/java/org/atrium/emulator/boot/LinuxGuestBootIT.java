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

        // As the desktop host boots its Linux guest (ADR 0015): the TSC, which follows virtual
        // time,
        // keeps the guest's time, and the PIT ticks periodically.
        PcMachine machine =
                new PcMachine(
                        MachineConfig.linux(
                                256,
                                null,
                                guest.kernel(),
                                guest.initramfs(),
                                "console=ttyS0 tsc=reliable highres=off"));
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

            // The kernel keeps time on the TSC and ticks from the PIT in periodic mode, which
            // the emulator serves without the guest reprogramming it every tick.
            assertEquals(
                    "tsc",
                    console.run(
                                    "cat /sys/devices/system/clocksource/clocksource0/"
                                            + "current_clocksource")
                            .strip());
            // (Commands stay short: busybox wraps a line longer than the terminal.)
            String timers = console.run("grep -e Event -e handler /proc/timer_list");
            assertTrue(
                    timers.matches("(?s).*Device: pit\\s+event_handler:\\s+tick_handle_periodic.*"),
                    timers);

            guestTimeFollowsHostTime(console);

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

    /**
     * The guest's clock runs at the host's rate: no bound on how fast the emulator is, only
     * inequalities that hold whatever the host's load. A guest reading taken after host instant a
     * and before host instant b must lie between them, so the guest time between two readings lies
     * between the host time from the first reading's arrival to the second's request and the host
     * time from the first's request to the second's arrival. A guest that loses ticks (and with
     * them time) or gains time fails one side.
     */
    private static void guestTimeFollowsHostTime(GuestConsole console) throws Exception {
        long sent0 = System.nanoTime();
        double up0 = uptime(console.run("cat /proc/uptime"));
        long arrived0 = System.nanoTime();
        Thread.sleep(20_000);
        long sent1 = System.nanoTime();
        double up1 = uptime(console.run("cat /proc/uptime"));
        long arrived1 = System.nanoTime();
        double guest = up1 - up0;
        // /proc/uptime has hundredths of a second.
        assertTrue(
                guest >= (sent1 - arrived0) / 1e9 - 0.02
                        && guest <= (arrived1 - sent0) / 1e9 + 0.02,
                () ->
                        "guest saw "
                                + guest
                                + " s while the host saw between "
                                + (sent1 - arrived0) / 1e9
                                + " and "
                                + (arrived1 - sent0) / 1e9
                                + " s");

        // A `sleep 5` lasts at least 5 s of host time and 5 s of guest time, and the guest sees no
        // more time pass than the host did around the whole command.
        long sent = System.nanoTime();
        String out = console.run("cat /proc/uptime; sleep 5; cat /proc/uptime");
        double host = (System.nanoTime() - sent) / 1e9;
        String[] lines = out.strip().split("\n");
        double slept = uptime(lines[lines.length - 1]) - uptime(lines[0]);
        assertTrue(host >= 5.0, () -> "sleep 5 ended after " + host + " s of host time");
        assertTrue(
                slept >= 5.0 && slept <= host + 0.02,
                () -> "guest saw " + slept + " s of sleep 5 in " + host + " s of host time");
    }

    /** The first field of /proc/uptime: seconds since boot. */
    private static double uptime(String procUptime) {
        return Double.parseDouble(procUptime.strip().split("\\s+")[0]);
    }
}
