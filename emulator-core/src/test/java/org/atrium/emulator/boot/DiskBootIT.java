package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.machine.ExitReason;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.PcMachine;
import org.atrium.emulator.storage.ImageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the test guest's disk image ({@code guests/debian-i386/build}) the way a PC does: SeaBIOS
 * reads the MBR from the primary IDE master, SYSLINUX loads the kernel and initramfs through the
 * BIOS, and Linux's ata_piix then finds the same disk on its own. Nothing is mocked: SeaBIOS
 * (Debian's seabios package), the kernel and the images are real; one boot per test.
 */
class DiskBootIT {
    private static final Path SEABIOS = Path.of("/usr/share/seabios/bios-256k.bin");
    private static final Path VGABIOS = Path.of("/usr/share/seabios/vgabios-stdvga.bin");
    // Generous: the emulator is an interpreter and CI machines are shared. This bounds a hang; the
    // test asserts no duration.
    private static final Duration BOOT_LIMIT = Duration.ofMinutes(30);
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(5);

    @TempDir Path dir;

    private static MachineConfig firmwareWith(DriveConfig disk) {
        return MachineConfig.firmware(256, SEABIOS, VGABIOS).withDrives(List.of(disk));
    }

    @Test
    void seaBiosBootsTheRawDiskAndLinuxReadsItThroughAtaPiix() throws Exception {
        GuestConsole.Guest guest = GuestConsole.buildGuest();
        PcMachine machine =
                new PcMachine(
                        firmwareWith(DriveConfig.disk(0, guest.disk(), ImageFormat.RAW, true)));
        GuestConsole console = new GuestConsole(machine, COMMAND_LIMIT, "DiskBootIT-raw");
        machine.start();
        try {
            console.awaitOutput("ATRIUM-GUEST-READY", 0, BOOT_LIMIT);
            console.awaitOutput(GuestConsole.PROMPT, 0, COMMAND_LIMIT);

            String uname = console.run("uname -a");
            assertTrue(uname.contains("Linux") && uname.contains("686"), uname);

            String partitions = console.run("cat /proc/partitions");
            assertTrue(partitions.matches("(?s).*\\b32768\\s+sda\\n.*"), partitions);
            assertTrue(partitions.matches("(?s).*\\s+sda1\\n.*"), partitions);

            // The MBR as the guest reads it through ata_piix, against the image file's bytes.
            byte[] mbr = new byte[512];
            try (var in = Files.newInputStream(guest.disk())) {
                assertEquals(512, in.readNBytes(mbr, 0, 512));
            }
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(mbr));
            String guestMd5 = console.run("dd if=/dev/sda bs=512 count=1 2>/dev/null | md5sum");
            assertTrue(guestMd5.startsWith(md5), guestMd5 + " vs " + md5);

            // A file on the FAT partition, read through the kernel's vfat on the IDE disk.
            console.run("mkdir -p /mnt && mount -o ro -t vfat /dev/sda1 /mnt");
            assertEquals(
                    "written by guests/debian-i386/build",
                    console.run("cat /mnt/atrium.txt").strip());

            // SeaBIOS builds no ACPI tables on a board without fw_cfg, so the kernel has no way
            // to power off: it halts instead, with its devices shut down. The host then stops it.
            int from = console.length();
            console.send("poweroff -f");
            console.awaitOutput("reboot: System halted", from, COMMAND_LIMIT);
        } finally {
            machine.stop();
        }
        assertEquals(ExitReason.STOPPED_BY_HOST, console.awaitExit(COMMAND_LIMIT));
    }

    @Test
    void qcow2OverlayMadeByQemuImgBootsAndTakesTheGuestsWrites() throws Exception {
        GuestConsole.Guest guest = GuestConsole.buildGuest();
        // The overlay's backing name resolves inside the overlay's directory only, so the base
        // image sits beside it.
        Path base = Files.copy(guest.disk(), dir.resolve("base.img"));
        byte[] baseBefore = Files.readAllBytes(base);
        exec(
                dir,
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-b",
                "base.img",
                "-F",
                "raw",
                "overlay.qcow2");
        Path overlay = dir.resolve("overlay.qcow2");

        PcMachine machine =
                new PcMachine(firmwareWith(DriveConfig.disk(0, overlay, ImageFormat.QCOW2, false)));
        GuestConsole console = new GuestConsole(machine, COMMAND_LIMIT, "DiskBootIT-qcow2");
        machine.start();
        try {
            console.awaitOutput("ATRIUM-GUEST-READY", 0, BOOT_LIMIT);
            console.awaitOutput(GuestConsole.PROMPT, 0, COMMAND_LIMIT);
            assertTrue(console.run("cat /proc/partitions").contains("sda1"));
            console.run("mkdir -p /mnt && mount -t vfat /dev/sda1 /mnt");
            console.run("echo from the guest > /mnt/guest.txt");
            // umount writes the FAT back; sync makes sd issue SYNCHRONIZE CACHE → FLUSH CACHE.
            console.run("umount /mnt && sync");
            assertEquals("0", console.run("echo $?").strip());
        } finally {
            machine.stop();
        }
        assertArrayEquals(baseBefore, Files.readAllBytes(base), "the base image is untouched");
        exec(dir, "qemu-img", "check", "-q", "overlay.qcow2");
        exec(dir, "qemu-img", "convert", "-O", "raw", "overlay.qcow2", "merged.img");
        String file =
                exec(
                        dir,
                        "env",
                        "MTOOLS_SKIP_CHECK=1",
                        "mtype",
                        "-i",
                        "merged.img@@1M",
                        "::/guest.txt");
        assertEquals("from the guest", file.strip());
    }

    private static String exec(Path dir, String... command)
            throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }
}
