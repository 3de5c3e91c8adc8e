package org.atrium.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.host.vm.VmExit;
import org.atrium.host.vm.VmMachine;
import org.atrium.host.vm.VmState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmCommandTest {
    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(
            VmCommand.Machines machines,
            CompletableFuture<VmCommand.Started> started,
            String... args) {
        return VmCommand.run(
                args,
                InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                machines,
                started);
    }

    private String bios() throws IOException {
        Path bios = dir.resolve("bios.bin");
        Files.write(bios, new byte[65536]);
        Files.write(dir.resolve("vga.bin"), new byte[512]);
        return bios.toString();
    }

    private void assertUsageError(String message, String... args) {
        assertEquals(2, run(o -> null, null, args), err.toString());
        assertTrue(err.toString().contains(message), err.toString());
        assertTrue(err.toString().contains("usage: atrium vm"));
        err.reset();
    }

    @Test
    void badFlagsAreUsageErrors() throws IOException {
        String bios = bios();
        assertUsageError("unknown option --frobnicate", "--frobnicate");
        assertUsageError("--initrd and --append need --kernel", "--append", "console=ttyS0");
        assertUsageError(
                "--kernel: cannot read", "--kernel", dir.resolve("missing-vmlinuz").toString());
        assertUsageError("--disk: cannot read", "--disk=" + dir.resolve("missing.qcow2"));
        assertUsageError("--disk: format must be raw or qcow2", "--disk", "a.img,format=vmdk");
        assertUsageError("--disk: unknown option cache", "--disk", "a.img,cache=none");
        assertUsageError("--cdrom is given twice", "--cdrom", "a.iso", "--cdrom", "b.iso");
        assertUsageError(
                "too many drives",
                "--disk",
                "1.img",
                "--disk",
                "2.img",
                "--disk",
                "3.img",
                "--disk",
                "4.img",
                "--cdrom",
                "5.iso");
        assertUsageError("--cpu-mode jit is not yet supported", "--cpu-mode", "jit");
        assertUsageError("--cpu-mode must be interpreter or jit", "--cpu-mode", "fast");
        assertUsageError("--cpu-mode needs a value", "--cpu-mode");
        assertUsageError("--memory: not a size: lots", "--memory", "lots", "--bios", bios);
        assertUsageError("--memory must be a positive whole number of MiB", "--memory", "1500K");
        assertUsageError("--memory needs a value", "--memory");
        assertUsageError("--vnc needs HOST:PORT", "--vnc", "localhost");
        assertUsageError("port out of range", "--vnc", "localhost:70000");
        assertUsageError("--serial must be stdio, none or file:PATH", "--serial", "tcp:1");
        assertUsageError("--bios: cannot read", "--bios", dir.resolve("missing.bin").toString());
    }

    @Test
    void sizesAndAddressesParse() throws Exception {
        assertEquals(32, VmCommandOptions.memory("32"));
        assertEquals(32, VmCommandOptions.memory("32M"));
        assertEquals(2048, VmCommandOptions.memory("2G"));
        assertEquals(1, VmCommandOptions.memory("1024K"));
        assertEquals(64, VmCommandOptions.memory("64MiB"));
        VmCommandOptions o =
                VmCommandOptions.parse(
                        new String[] {
                            "--memory=64M",
                            "--bios",
                            "/x/bios.bin",
                            "--vnc",
                            ":5900",
                            "--serial",
                            "file:serial.log",
                            "--no-reboot"
                        },
                        Path.of("/fw"));
        assertEquals(64, o.memoryMiB());
        assertEquals(Path.of("/x/vgabios-stdvga.bin"), o.vgaBios());
        assertEquals(5900, o.vnc().getPort());
        assertEquals("file", o.serial());
        assertTrue(o.noReboot());
    }

    @Test
    void kernelBootNeedsNoFirmware() throws Exception {
        VmCommandOptions o =
                VmCommandOptions.parse(
                        new String[] {
                            "--kernel",
                            "/k/bzImage",
                            "--initrd=/k/initrd",
                            "--append",
                            "console=ttyS0 quiet",
                            "--cpu-mode",
                            "interpreter"
                        },
                        Path.of("/fw"));
        assertEquals(Path.of("/k/bzImage"), o.kernel());
        assertEquals(Path.of("/k/initrd"), o.initrd());
        assertEquals("console=ttyS0 quiet", o.append());
        assertEquals(null, o.bios(), "no BIOS runs for a kernel boot");
        assertEquals(null, o.vgaBios());
    }

    @Test
    void snapshotFlagsParseAndGoTogether() throws Exception {
        VmCommandOptions o =
                VmCommandOptions.parse(
                        new String[] {
                            "--loadvm",
                            "/s/in.atrsnap",
                            "--savevm",
                            "/s/out.atrsnap",
                            "--savevm-after=5"
                        },
                        Path.of("/fw"));
        assertEquals(Path.of("/s/in.atrsnap"), o.loadvm());
        assertEquals(Path.of("/s/out.atrsnap"), o.savevm());
        assertEquals(5, o.savevmAfterSeconds());
        assertUsageError("--savevm and --savevm-after go together", "--savevm", "/s/out.atrsnap");
        assertUsageError("--savevm and --savevm-after go together", "--savevm-after", "3");
        assertUsageError("--savevm-after needs whole seconds", "--savevm-after", "soon");
        assertUsageError(
                "--loadvm: cannot read", "--loadvm", dir.resolve("missing.atrsnap").toString());
    }

    /** Debian's SeaBIOS, which the snapshot round trip runs (the test is skipped without it). */
    private static final Path SEABIOS = Path.of("/usr/share/seabios/bios.bin");

    @Test
    void savevmWritesASnapshotThatLoadvmContinues() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isReadable(SEABIOS), "SeaBIOS images not installed");
        Path snapshot = dir.resolve("vm.atrsnap");
        assertEquals(
                0,
                run(
                        VmCommand::pcMachine,
                        null,
                        "--memory",
                        "16",
                        "--serial",
                        "none",
                        "--savevm",
                        snapshot.toString(),
                        "--savevm-after",
                        "1"),
                err.toString());
        assertTrue(Files.size(snapshot) > 16 << 20, "a snapshot with the RAM in it was written");

        // Another size of RAM is refused with a clear message, before anything runs.
        err.reset();
        assertEquals(
                1,
                run(
                        VmCommand::pcMachine,
                        null,
                        "--memory",
                        "32",
                        "--serial",
                        "none",
                        "--loadvm",
                        snapshot.toString()));
        assertTrue(err.toString().contains("cannot load"), err.toString());
        assertTrue(err.toString().contains("RAM"), err.toString());

        err.reset();
        CompletableFuture<VmCommand.Started> started = new CompletableFuture<>();
        CompletableFuture<Integer> code =
                CompletableFuture.supplyAsync(
                        () ->
                                run(
                                        VmCommand::pcMachine,
                                        started,
                                        "--memory",
                                        "16",
                                        "--serial",
                                        "none",
                                        "--loadvm",
                                        snapshot.toString()));
        VmMachine restored = started.get(1, TimeUnit.MINUTES).machine();
        assertEquals(VmState.RUNNING, restored.state());
        restored.stop();
        assertEquals(0, code.get(1, TimeUnit.MINUTES), err.toString());
    }

    @Test
    void aDamagedSnapshotIsRefusedWithExitOne() throws Exception {
        Path snapshot = Files.write(dir.resolve("bad.atrsnap"), "ATRIUMVM garbage".getBytes());
        assertEquals(
                1,
                run(
                        VmCommand::pcMachine,
                        null,
                        "--memory",
                        "16",
                        "--serial",
                        "none",
                        "--loadvm",
                        snapshot.toString()));
        assertTrue(err.toString().contains("cannot load"), err.toString());
    }

    @Test
    void drivesArePlacedAsQemuPlacesThem() throws Exception {
        VmCommandOptions o =
                VmCommandOptions.parse(
                        new String[] {
                            "--disk",
                            "a.img",
                            "--cdrom",
                            "c.iso",
                            "--disk=b.qcow2,readonly=on",
                            "--disk",
                            "d,,1.bin,format=qcow2"
                        },
                        Path.of("/fw"));
        List<DriveConfig> d = o.drives();
        assertEquals(4, d.size());
        assertEquals(DriveConfig.disk(0, Path.of("a.img"), ImageFormat.RAW, false), d.get(0));
        assertEquals(DriveConfig.disk(1, Path.of("b.qcow2"), ImageFormat.QCOW2, true), d.get(1));
        assertEquals(DriveConfig.disk(3, Path.of("d,1.bin"), ImageFormat.QCOW2, false), d.get(2));
        assertEquals(DriveConfig.cdrom(2, Path.of("c.iso")), d.get(3));
        assertEquals(
                2,
                VmCommandOptions.parse(
                                new String[] {"--disk", "a", "--disk", "b", "--disk", "c"},
                                Path.of("/fw"))
                        .drives()
                        .get(2)
                        .position(),
                "without a CD-ROM the third disk is the secondary master");
    }

    /** Runs the real machine factory; asserts exit 1 and one clear line on stderr. */
    private String assertRefused(String... args) {
        assertEquals(1, run(VmCommand::pcMachine, null, args), err.toString());
        String message = err.toString();
        err.reset();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("atrium vm: "), message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), message);
        return message;
    }

    @Test
    void aKernelThatIsNotABzImageIsRefused() throws IOException {
        Path kernel = Files.write(dir.resolve("vmlinux"), new byte[8192]);
        String message = assertRefused("--kernel", kernel.toString(), "--serial", "none");
        assertTrue(message.contains("kernel or initrd not usable: not a Linux bzImage"), message);
    }

    @Test
    void aTruncatedInitrdIsRefused() throws IOException {
        Path kernel = Files.write(dir.resolve("bzImage"), syntheticBzImage());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write("070701".repeat(5000).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] whole = gz.toByteArray();
        Path initrd = Files.write(dir.resolve("initrd.gz"), Arrays.copyOf(whole, whole.length / 2));
        String message =
                assertRefused(
                        "--kernel",
                        kernel.toString(),
                        "--initrd",
                        initrd.toString(),
                        "--serial",
                        "none");
        assertTrue(message.contains("truncated or damaged initrd"), message);
    }

    @Test
    void aCorruptDiskImageIsRefusedWithTheStorageLayersReason() throws IOException {
        String bios = bios();
        byte[] header = new byte[1024];
        header[0] = 'Q';
        header[1] = 'F';
        header[2] = 'I';
        header[3] = (byte) 0xFB;
        header[7] = 3; // version 3, everything else zero: cluster_bits 0 is out of range
        Path disk = Files.write(dir.resolve("bad.qcow2"), header);
        String message =
                assertRefused(
                        "--bios",
                        bios,
                        "--vga-bios",
                        dir.resolve("vga.bin").toString(),
                        "--disk",
                        disk.toString(),
                        "--serial",
                        "none");
        assertTrue(message.contains("disk image " + disk + " (qcow2): corrupt qcow2"), message);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The header fields a bzImage needs, and a small protected-mode part of zeros. */
    private static byte[] syntheticBzImage() {
        ByteBuffer b = ByteBuffer.allocate(5 * 512 + 4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) 4);
        b.putInt(0x1F4, 4096 / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) 0x020F);
        b.put(0x211, (byte) 0x01);
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x238, 2047);
        b.putInt(0x260, 0x10000);
        return b.array();
    }

    /**
     * The command as a separate process, as a person runs it: a guest spinning with interrupts off
     * ({@code cli; jmp $}) ends when the process gets SIGTERM, through the VM's stop.
     */
    @Test
    void sigtermStopsAGuestSpinningWithInterruptsOff() throws Exception {
        byte[] rom = new byte[65536];
        rom[65536 - 16] = (byte) 0xFA; // cli
        rom[65536 - 15] = (byte) 0xEB; // jmp $
        rom[65536 - 14] = (byte) 0xFE;
        Path bios = Files.write(dir.resolve("loop.bin"), rom);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p =
                new ProcessBuilder(
                                java.toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                VmCommand.class.getName(),
                                "--bios",
                                bios.toString(),
                                "--vga-bios",
                                bios.toString(),
                                "--memory",
                                "16M",
                                "--serial",
                                "none")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("output.txt").toFile())
                        .start();
        try {
            // Give it time to start the guest; if it failed to, the output says why.
            assertFalse(
                    p.waitFor(3, TimeUnit.SECONDS),
                    () -> "the VM should still run: " + read(dir.resolve("output.txt")));
            p.toHandle().destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "SIGTERM did not end the command");
            String output = read(dir.resolve("output.txt"));
            assertEquals(143, p.exitValue(), output);
            assertTrue(output.contains("the VM stopped: STOPPED_BY_HOST"), output);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void helpExitsZero() {
        assertEquals(0, run(o -> null, null, "--help"));
        assertTrue(out.toString().contains("--vnc HOST:PORT"));
    }

    @Test
    void unusableFirmwareIsReportedWithExitOne() throws IOException {
        Path bios = dir.resolve("short.bin");
        Files.write(bios, new byte[1000]); // not a multiple of 64 KiB
        Files.write(dir.resolve("vga.bin"), new byte[512]);
        assertEquals(
                1,
                run(
                        VmCommand::pcMachine,
                        null,
                        "--bios",
                        bios.toString(),
                        "--vga-bios",
                        dir.resolve("vga.bin").toString()));
        assertTrue(err.toString().contains("firmware or memory not usable"), err.toString());
    }

    @Test
    void anEmulatorFailureExitsOne() throws Exception {
        Machine machine = new Machine();
        CompletableFuture<VmCommand.Started> started = new CompletableFuture<>();
        String bios = bios();
        CompletableFuture<Integer> exit =
                CompletableFuture.supplyAsync(
                        () ->
                                run(
                                        o -> machine,
                                        started,
                                        "--bios",
                                        bios,
                                        "--vga-bios",
                                        dir.resolve("vga.bin").toString(),
                                        "--serial",
                                        "none"));
        CompletableFuture.anyOf(started, exit).get(20, TimeUnit.SECONDS);
        machine.exits.forEach(e -> e.accept(new VmExit("EMULATOR_ERROR: boom", true)));
        assertEquals(1, exit.get(20, TimeUnit.SECONDS));
        assertTrue(err.toString().contains("EMULATOR_ERROR: boom"), err.toString());
    }

    @Test
    void servesRfbUntilTheVmStops() throws Exception {
        Machine machine = new Machine();
        CompletableFuture<VmCommand.Started> started = new CompletableFuture<>();
        String bios = bios();
        CompletableFuture<Integer> exit =
                CompletableFuture.supplyAsync(
                        () ->
                                run(
                                        o -> machine,
                                        started,
                                        "--bios",
                                        bios,
                                        "--vga-bios",
                                        dir.resolve("vga.bin").toString(),
                                        "--memory",
                                        "16M",
                                        "--vnc",
                                        "127.0.0.1:0",
                                        "--serial",
                                        "none"));
        CompletableFuture.anyOf(started, exit).get(20, TimeUnit.SECONDS);
        assertTrue(started.isDone(), "the command ended early: " + err);
        VmCommand.Started s = started.get();
        try (Socket socket = new Socket(s.vnc().getAddress(), s.vnc().getPort())) {
            byte[] version = new byte[12];
            new DataInputStream(socket.getInputStream()).readFully(version);
            assertEquals("RFB 003.008\n", new String(version, StandardCharsets.US_ASCII));
        }
        assertEquals(VmState.RUNNING, machine.state());
        machine.stop();
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }

    /** Stands in for PcMachine, which cannot run here yet (not merged): a blank 8x8 screen. */
    static final class Machine implements VmMachine, DisplaySurface {
        volatile VmState state = VmState.STOPPED;
        final List<Consumer<VmExit>> exits = new CopyOnWriteArrayList<>();

        @Override
        public void start() {
            state = VmState.RUNNING;
        }

        @Override
        public void reset() {}

        @Override
        public void stop() {
            state = VmState.STOPPED;
            exits.forEach(e -> e.accept(new VmExit("STOPPED_BY_HOST", false)));
        }

        @Override
        public VmState state() {
            return state;
        }

        @Override
        public DisplaySurface display() {
            return this;
        }

        @Override
        public KeyboardInput keyboard() {
            return (c, p) -> {};
        }

        @Override
        public PointerInput pointer() {
            return (x, y, b) -> {};
        }

        @Override
        public InputStream serialFromGuest() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public OutputStream serialToGuest() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public void onExit(Consumer<VmExit> listener) {
            exits.add(listener);
        }

        @Override
        public int width() {
            return 8;
        }

        @Override
        public int height() {
            return 8;
        }

        @Override
        public void read(int x, int y, int w, int h, int[] dst, int offset, int stride) {}

        @Override
        public void addListener(DisplayListener listener) {}

        @Override
        public void removeListener(DisplayListener listener) {}
    }
}
