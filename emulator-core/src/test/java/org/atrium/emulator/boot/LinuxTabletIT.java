package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.PcMachine;
import org.junit.jupiter.api.Test;

/**
 * Debian's own virtio_pci and virtio_input drivers (loaded by the test guest's init) find the
 * board's virtio tablet, and a host pointer event reaches a program in the guest as the absolute
 * coordinates QEMU's tablet would report for the same pixel. Nothing is mocked.
 */
class LinuxTabletIT {
    private static final Duration BOOT_LIMIT = Duration.ofMinutes(30);
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(5);

    @Test
    void aClickReachesTheGuestAsAbsoluteCoordinatesOfThatPixel() throws Exception {
        GuestConsole.Guest guest = GuestConsole.buildGuest();
        PcMachine machine =
                new PcMachine(
                        MachineConfig.linux(
                                256, null, guest.kernel(), guest.initramfs(), "console=ttyS0"));
        GuestConsole console = new GuestConsole(machine, COMMAND_LIMIT, "LinuxTabletIT");
        machine.start();
        try {
            console.awaitOutput("ATRIUM-GUEST-READY", 0, BOOT_LIMIT);
            console.awaitOutput(GuestConsole.PROMPT, 0, COMMAND_LIMIT);

            String devices = console.run("cat /proc/bus/input/devices");
            assertTrue(devices.contains("Atrium Virtio Tablet"), () -> devices + console.tail());
            // Commands stay shorter than a terminal line: the shell's echo must not wrap.
            String named = console.run("grep -l Tablet /sys/class/input/event*/device/name");
            String event = named.strip().replaceAll(".*/(event[0-9]+)/device/name$", "$1");
            assertTrue(event.matches("event[0-9]+"), event);

            // Four events: ABS_X, ABS_Y, BTN_LEFT down, SYN_REPORT; 16 bytes each on i386.
            console.run("dd if=/dev/input/" + event + " of=/tmp/ev bs=16 count=4 2>/dev/null &");
            console.run("sleep 1");
            machine.pointer().pointer(700, 500, 1);
            String dump = console.run("wait; od -An -v -tu2 -w16 /tmp/ev");
            List<String> events =
                    dump.lines()
                            .map(String::strip)
                            // od's lines only, not the shell's job notices
                            .filter(l -> l.matches("[0-9]+(\\s+[0-9]+){7}"))
                            // type, code, value (low and high halves) after the timestamp
                            .map(l -> String.join(" ", List.of(l.split("\\s+")).subList(4, 8)))
                            .toList();
            // The 1024x768 console: 700 * 32767 / 1023 and 500 * 32767 / 767, as QEMU scales.
            assertEquals(
                    List.of("3 0 22421 0", "3 1 21360 0", "1 272 1 0", "0 0 0 0"), events, dump);
        } finally {
            machine.stop();
        }
    }
}
