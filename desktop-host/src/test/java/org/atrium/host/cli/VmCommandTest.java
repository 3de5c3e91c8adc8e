package org.atrium.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;
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
        assertUsageError("--disk is not yet supported", "--disk=a.qcow2");
        assertUsageError("--cpu-mode is not yet supported", "--cpu-mode", "jit");
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
                            "console=ttyS0 quiet"
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
