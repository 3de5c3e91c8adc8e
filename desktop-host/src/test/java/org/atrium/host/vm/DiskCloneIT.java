package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.atrium.emulator.boot.GuestConsole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linked clones end to end with the host's Linux test guest ({@code guests/debian-i386/build},
 * which this test runs; it honours {@code ATRIUM_GUEST_CACHE}) and the real {@code qemu-img}. A
 * template boots with one disk on a golden qcow2 image made by qemu-img, writes a marker to the
 * disk from the guest, and is snapshotted; two clones start from the snapshot and each writes its
 * own marker. Then qemu-img finds every overlay and the snapshot's layer clean, each clone's disk
 * holds the golden data, the template's marker and its own marker only, and the golden image is
 * byte for byte what it was. One guest boot; the clones resume from the snapshot.
 */
class DiskCloneIT {
    private static final Path SEABIOS = Path.of("/usr/share/seabios");
    private static final long BOOT_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(20);
    private static final long COMMAND_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(3);
    private static final int DISK_BYTES = 8 << 20;
    private static final String PROMPT = "/ # ";

    @TempDir Path dir;
    private int commands;

    @Test
    void clonesShareTheGoldenImageAndTheTemplatesLayerAndWriteOnlyTheirOwnOverlay()
            throws Exception {
        GuestConsole.Guest guest = GuestConsole.buildGuest();
        Path images = Files.createDirectories(dir.resolve("images"));
        byte[] goldenRaw = new byte[DISK_BYTES];
        put(goldenRaw, 0, "GOLDEN-IMAGE");
        Files.write(dir.resolve("golden.raw"), goldenRaw);
        QemuImgTool.ok(
                images, "convert", "-f", "raw", "-O", "qcow2", "../golden.raw", "golden.qcow2");
        byte[] goldenBefore = sha256(images.resolve("golden.qcow2"));

        DiskStore disks = new DiskStore(images);
        SnapshotStore snapshots = new SnapshotStore(dir.resolve("snapshots"));
        LinuxMachineFactory linux =
                new LinuxMachineFactory(
                        "debian-i386",
                        guest.kernel(),
                        guest.initramfs(),
                        // The host's default command line without the screen console.
                        "console=ttyS0 quiet tsc=reliable");
        VmSupervisor supervisor =
                new VmSupervisor(
                        new PcMachineFactory(SEABIOS, null, snapshots, linux, disks),
                        1024,
                        8,
                        snapshots,
                        null,
                        disks);
        try {
            Vm template =
                    supervisor
                            .create(
                                    "template",
                                    VmSpec.linux(128, "debian-i386")
                                            .withDisks(List.of(DiskSpec.of("golden.qcow2", null))))
                            .vm();
            awaitText(template, LinuxMachineFactory.GUEST_READY, BOOT_LIMIT_NANOS);
            awaitText(template, PROMPT, BOOT_LIMIT_NANOS);
            assertEquals(
                    Integer.toString(DISK_BYTES / 512),
                    // libata probes the port after insmod returns: wait for the disk (guest
                    // seconds), and say what the kernel found if it never comes.
                    run(
                                    template,
                                    "for i in $(seq 1 120); do [ -e /sys/block/sda ] && break;"
                                            + " sleep 1; done; cat /sys/block/sda/size || dmesg"
                                            + " | grep -i -E 'ata|scsi|sd |piix|pci' | tail -30")
                            .strip(),
                    "the guest sees the disk");
            assertEquals("GOLDEN-IMAGE", run(template, "head -c 12 /dev/sda").strip());
            run(template, write("TEMPLATE-MARK", 1));

            SnapshotStore.Entry snapshot = supervisor.snapshot("template", "tpl");
            String layer = snapshot.disks().getFirst();

            for (int n = 1; n <= 2; n++) {
                Vm clone =
                        supervisor
                                .create(
                                        "clone-" + n,
                                        new VmSpec(0, new BootSource.Snapshot("tpl"), null))
                                .vm();
                run(clone, write("CLONE-" + n + "-MARK", 2));
                // Read back from the disk, not the page cache: the layer's and its own marker.
                assertEquals(
                        "TEMPLATE-MARK\nCLONE-" + n + "-MARK",
                        run(
                                        clone,
                                        "echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/sda bs=512"
                                                + " skip=1 count=2 2>/dev/null | tr -d '\\000'")
                                .strip());
            }

            Vm idle = supervisor.find("clone-1").orElseThrow();
            assertIdleClockKeepsItsTicks(idle);

            VmProblemException inUse =
                    assertThrows(VmProblemException.class, () -> supervisor.deleteSnapshot("tpl"));
            assertEquals(409, inUse.status());

            // Stopped machines have flushed and closed their images.
            supervisor.stopAll();
            String templateOverlay = DiskStore.overlayName("template", 0);
            QemuImgTool.checkClean(
                    images,
                    List.of(
                            templateOverlay,
                            layer,
                            DiskStore.overlayName("clone-1", 0),
                            DiskStore.overlayName("clone-2", 0)));
            byte[] templateDisk = goldenRaw.clone();
            put(templateDisk, 512, "TEMPLATE-MARK\n");
            assertSame(images, dir.resolve("template.raw"), templateDisk, layer);
            assertSame(images, dir.resolve("template.raw"), templateDisk, templateOverlay);
            for (int n = 1; n <= 2; n++) {
                byte[] cloneDisk = templateDisk.clone();
                put(cloneDisk, 1024, "CLONE-" + n + "-MARK\n");
                assertSame(
                        images,
                        dir.resolve("clone-" + n + ".raw"),
                        cloneDisk,
                        DiskStore.overlayName("clone-" + n, 0));
            }
            assertArrayEquals(
                    goldenBefore,
                    sha256(images.resolve("golden.qcow2")),
                    "the golden image is unchanged");

            for (String id : List.of("clone-1", "clone-2", "template")) supervisor.delete(id);
            assertTrue(supervisor.deleteSnapshot("tpl"));
            try (var left = Files.list(images)) {
                assertEquals(
                        List.of("golden.qcow2"),
                        left.map(p -> p.getFileName().toString()).toList());
            }
        } finally {
            supervisor.stopAll();
        }
    }

    /**
     * While the clone sleeps in the guest, nothing is typed: after two seconds it is idle, and its
     * one-shot timer interrupts come up to the host's idle slack late (several ticks at once). The
     * guest must still count every tick: its jiffies (HZ 250) follow its TSC-based clock over the
     * ten seconds, as they would with no slack, while its timer interrupts are fewer than its
     * ticks.
     */
    private void assertIdleClockKeepsItsTicks(Vm vm) throws Exception {
        String read =
                "grep -E '^(now at|jiffies)' /proc/timer_list | head -2 | tr -dc '0-9 \\n';"
                        + " grep ' 0:' /proc/interrupts";
        long slackBefore = ((PcMachineVm) vm.machine()).machine().counters().slackSleeps();
        String[] out = run(vm, read + "; sleep 10; " + read).strip().split("\\s+");
        long slackSleeps =
                ((PcMachineVm) vm.machine()).machine().counters().slackSleeps() - slackBefore;
        // now-at nanoseconds, jiffies, IRQ 0 count (its line's first number after "0:"), twice.
        long nanos = Long.parseLong(out[6]) - Long.parseLong(out[0]);
        // jiffies are 32 bits on i386 and start 300 s before wrapping.
        long jiffies = (Long.parseLong(out[7]) - Long.parseLong(out[1])) & 0xFFFF_FFFFL;
        long timerInterrupts = Long.parseLong(out[9]) - Long.parseLong(out[3]);
        String figures =
                nanos
                        + " ns, "
                        + jiffies
                        + " jiffies, "
                        + timerInterrupts
                        + " timer interrupts, "
                        + slackSleeps
                        + " slack sleeps; "
                        + String.join(" ", out);
        assertTrue(slackSleeps > 0, "the idle clone slept with the slack: " + figures);
        assertTrue(
                Math.abs(jiffies * 4_000_000 - nanos) <= 40_000_000,
                "jiffies follow the clock: " + figures);
        System.out.println("idle clone over ten guest seconds: " + figures);
        // Two seconds at 250 a second, then about 50: a third of the ticks, where a periodic tick
        // (which the slack must not defer) would take one interrupt per tick.
        assertTrue(
                timerInterrupts * 5 < jiffies * 4,
                "several ticks counted per interrupt: " + figures);
    }

    /** A shell command that writes {@code text} and a newline into sector {@code sector} of sda. */
    private static String write(String text, int sector) {
        return "echo "
                + text
                + " | dd of=/dev/sda bs=512 seek="
                + sector
                + " conv=sync 2>/dev/null; sync";
    }

    /** qemu-img compare of {@code image} with the raw {@code expected} finds them identical. */
    private static void assertSame(Path images, Path raw, byte[] expected, String image)
            throws Exception {
        Files.write(raw, expected);
        QemuImgTool.Result r =
                QemuImgTool.run(
                        images, "compare", "-f", "raw", "-F", "qcow2", raw.toString(), image);
        assertEquals(0, r.exit(), "qemu-img compare with " + image + ":\n" + r.output());
    }

    /** Types {@code command} and answers what it printed. */
    private String run(Vm vm, String command) throws Exception {
        int n = ++commands;
        // The shell computes both markers, so the echoed command line (which the console also
        // wraps at 80 columns) never matches them.
        String begin = "BEGIN-" + (n * 1000) + "\r\n";
        String end = "END-" + (n * 1000 + 1) + "\r\n";
        int from = text(vm).length();
        String line =
                "echo BEGIN-$((" + n + "*1000)); " + command + "; echo END-$((" + n + "*1000+1))\n";
        vm.machine().serialToGuest().write(line.getBytes(StandardCharsets.US_ASCII));
        vm.machine().serialToGuest().flush();
        awaitText(vm, end + PROMPT, from, COMMAND_LIMIT_NANOS);
        String out = text(vm);
        int start = out.indexOf(begin, from) + begin.length();
        return out.substring(start, out.indexOf(end, start)).replace("\r", "");
    }

    private static String text(Vm vm) {
        return ((PcMachineVm) vm.machine()).machine().serialText();
    }

    private static void awaitText(Vm vm, String text, long limitNanos) throws Exception {
        awaitText(vm, text, 0, limitNanos);
    }

    private static void awaitText(Vm vm, String text, int from, long limitNanos) throws Exception {
        long deadline = System.nanoTime() + limitNanos;
        while (text(vm).indexOf(text, from) < 0) {
            if (System.nanoTime() > deadline || vm.state() == VmState.STOPPED) {
                String all = text(vm);
                throw new AssertionError(
                        "no \""
                                + text
                                + "\" from VM "
                                + vm.id()
                                + " ("
                                + vm.state()
                                + "):\n"
                                + all.substring(Math.max(0, all.length() - 3000)));
            }
            Thread.sleep(100);
        }
    }

    private static void put(byte[] disk, int at, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, disk, at, b.length);
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
