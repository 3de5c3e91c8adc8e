package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.atrium.emulator.boot.Flat32Entry;
import org.atrium.emulator.boot.InvalidKernelException;
import org.atrium.emulator.boot.LinuxLoader;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.cpu.InterruptSource;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.time.HostTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine's life cycle and run loop. The CPU is replaced by a scripted processor that drives
 * the board's ports, so each behaviour of the loop can be provoked on purpose; the board is real.
 */
class PcMachineTest {
    @TempDir Path dir;

    private final BlockingQueue<ExitReason> exits = new LinkedBlockingQueue<>();

    /** A processor whose every run() call hands the buses to a script. */
    private static class ScriptedProcessor implements Processor {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger resets = new AtomicInteger();
        IoPorts io;
        PhysicalMemory memory;
        InterruptSource interrupts;
        volatile boolean halted;
        volatile boolean shutdown;
        volatile RuntimeException failure;

        @Override
        public void reset() {
            resets.incrementAndGet();
            halted = false;
        }

        @Override
        public int run(int maxInstructions) {
            runs.incrementAndGet();
            if (halted && interrupts.pending()) {
                halted = false;
                interrupts.acknowledge();
                io.out(0x20, 1, 0x20);
            }
            step();
            return maxInstructions;
        }

        void step() {}

        @Override
        public boolean halted() {
            return halted;
        }

        @Override
        public void nmi() {}

        @Override
        public boolean shutdownRequested() {
            return shutdown;
        }

        @Override
        public RuntimeException failure() {
            return failure;
        }

        @Override
        public void enter(Flat32Entry entry) {
            entered = entry;
        }

        volatile Flat32Entry entered;
    }

    private PcMachine machine(ScriptedProcessor cpu) throws IOException {
        return machine(cpu, DecodedBlocks.ALWAYS);
    }

    private PcMachine machine(ScriptedProcessor cpu, DecodedBlocks decodedBlocks)
            throws IOException {
        return machine(cpu, decodedBlocks, Duration.ZERO);
    }

    private PcMachine machine(
            ScriptedProcessor cpu, DecodedBlocks decodedBlocks, Duration idleTimerSlack)
            throws IOException {
        Path bios = Files.write(dir.resolve("bios.bin"), new byte[64 * 1024]);
        PcMachine m =
                new PcMachine(
                        MachineConfig.firmware(4, bios, null)
                                .withDecodedBlocks(decodedBlocks)
                                .withIdleTimerSlack(idleTimerSlack),
                        HostTime.system(),
                        (memory, io, interrupts, tsc) -> {
                            cpu.memory = memory;
                            cpu.io = io;
                            cpu.interrupts = interrupts;
                            return cpu;
                        });
        m.addExitListener((reason, error) -> exits.add(reason));
        return m;
    }

    /**
     * Initialises the master PIC as a BIOS leaves it (vector 8), with every line but IRQ 0 masked.
     */
    private static void picsForIrq0Only(IoPorts io) {
        io.out(0x20, 1, 0x11);
        io.out(0x21, 1, 0x08);
        io.out(0x21, 1, 0x04);
        io.out(0x21, 1, 0x01);
        io.out(0x21, 1, 0xFE);
    }

    private static void awaitRuns(ScriptedProcessor cpu, int atLeast) throws InterruptedException {
        for (int i = 0; i < 2000 && cpu.runs.get() < atLeast; i++) {
            Thread.sleep(5);
        }
        assertTrue(cpu.runs.get() >= atLeast, "processor ran " + cpu.runs.get() + " times");
    }

    /** The smallest bzImage the loader accepts: boot sector, 4 setup sectors, 4 KiB of HLT. */
    private static byte[] bzImage() {
        ByteBuffer b = ByteBuffer.allocate(5 * 512 + 4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) 4);
        b.putInt(0x1F4, 4096 / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x201, (byte) 0x6A);
        b.putInt(0x202, 0x53726448); // "HdrS"
        b.putShort(0x206, (short) 0x020F);
        b.put(0x211, (byte) 1); // LOADED_HIGH
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x238, 255);
        for (int i = 5 * 512; i < b.capacity(); i++) {
            b.put(i, (byte) 0xF4);
        }
        return b.array();
    }

    @Test
    void directKernelBootLoadsTheKernelAndStartsTheCpuAtIt() throws Exception {
        Path kernel = Files.write(dir.resolve("bzImage"), bzImage());
        ScriptedProcessor cpu = new ScriptedProcessor();
        PcMachine m =
                new PcMachine(
                        MachineConfig.linux(16, null, kernel, null, "console=ttyS0"),
                        HostTime.system(),
                        (memory, io, interrupts, tsc) -> {
                            cpu.memory = memory;
                            cpu.io = io;
                            cpu.interrupts = interrupts;
                            return cpu;
                        });
        m.start();
        awaitRuns(cpu, 1);
        assertEquals(
                new Flat32Entry(0x100000, LinuxLoader.BOOT_PARAMS, LinuxLoader.GDT, 31),
                cpu.entered);
        assertEquals(0xF4, (int) m.inspect(b -> b.memory().read8(0x100000)), "kernel loaded");
        int rsdp = m.inspect(b -> b.memory().read32(LinuxLoader.BOOT_PARAMS + 0x70));
        assertEquals(
                "RSD PTR ",
                m.inspect(
                        b -> {
                            byte[] sig = new byte[8];
                            for (int i = 0; i < 8; i++) {
                                sig[i] = (byte) b.memory().read8(rsdp + i);
                            }
                            return new String(sig, StandardCharsets.US_ASCII);
                        }),
                "boot_params points at the ACPI tables");
        m.stop();
    }

    @Test
    void aFileThatIsNotAKernelIsRefusedBeforeAnythingRuns() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a kernel");
        InvalidKernelException e =
                assertThrows(
                        InvalidKernelException.class,
                        () -> new PcMachine(MachineConfig.linux(16, null, notes, null, null)));
        assertTrue(e.getMessage().contains("not a Linux bzImage"), e.getMessage());
    }

    @Test
    void lifeCycleFromStartToStop() throws Exception {
        ScriptedProcessor cpu = new ScriptedProcessor();
        PcMachine m = machine(cpu);
        assertEquals(MachineState.CREATED, m.state());
        assertThrows(IllegalStateException.class, m::pause);
        m.start();
        assertEquals(MachineState.RUNNING, m.state());
        assertThrows(IllegalStateException.class, m::start);
        awaitRuns(cpu, 3);
        m.pause();
        assertEquals(MachineState.PAUSED, m.state());
        Thread.sleep(50);
        int whilePaused = cpu.runs.get();
        Thread.sleep(200);
        assertEquals(whilePaused, cpu.runs.get(), "a paused machine runs no guest code");
        m.resume();
        awaitRuns(cpu, whilePaused + 3);
        m.stop();
        assertEquals(MachineState.STOPPED, m.state());
        assertEquals(ExitReason.STOPPED_BY_HOST, exits.poll(10, TimeUnit.SECONDS));
        assertEquals(null, exits.poll(100, TimeUnit.MILLISECONDS), "told once");
        m.stop();
    }

    @Test
    void resetReturnsChipsAndCpuToPowerOn() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        if (runs.get() == 1) {
                            memory.write8(0x100000, 0x22);
                            io.out(0x64, 1, 0xD1);
                            io.out(0x60, 1, 0xDD); // A20 off
                        }
                    }
                };
        PcMachine m = machine(cpu);
        m.start();
        awaitRuns(cpu, 2);
        assertEquals(0x00, (int) m.inspect(b -> b.memory().read8(0x100000)), "A20 masked");
        int resetsBefore = cpu.resets.get();
        m.reset();
        awaitRuns(cpu, cpu.runs.get() + 2);
        assertTrue(cpu.resets.get() > resetsBefore);
        assertEquals(0x22, (int) m.inspect(b -> b.memory().read8(0x100000)), "A20 on after reset");
        m.stop();
    }

    @Test
    void guestResetThroughTheKeyboardControllerResetsTheCpu() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        if (runs.get() == 2) {
                            io.out(0x64, 1, 0xFE);
                        }
                    }
                };
        PcMachine m = machine(cpu);
        m.start();
        awaitRuns(cpu, 4);
        assertEquals(2, cpu.resets.get(), "power-on and the pulsed reset line");
        m.stop();
    }

    @Test
    void aViewerWhoArrivesWhileTheMachineIsPausedSeesTheScreenAtOnce() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        if (runs.get() == 1) {
                            // Bochs VBE 64x32, 32 bpp, banked at 0xA0000; one orange pixel at 0,0.
                            int[][] dispi = {{4, 0}, {3, 32}, {1, 64}, {2, 32}, {5, 0}, {4, 1}};
                            for (int[] r : dispi) {
                                io.out(0x1CE, 2, r[0]);
                                io.out(0x1CF, 2, r[1]);
                            }
                            memory.write32(0xA0000, 0x00FF8040);
                        }
                        halted = true;
                    }
                };
        PcMachine m = machine(cpu);
        m.start();
        awaitRuns(cpu, 1);
        m.pause();
        // Nobody watched the screen while it was drawn into, so it keeps no picture, and a paused
        // machine does not refresh: the viewer's subscription itself must get it drawn.
        BlockingQueue<int[]> damage = new LinkedBlockingQueue<>();
        m.display()
                .addListener(
                        new DisplayListener() {
                            @Override
                            public void damaged(int x, int y, int w, int h) {
                                damage.add(new int[] {x, y, w, h});
                            }

                            @Override
                            public void resized(int width, int height) {
                                damage.add(new int[] {0, 0, width, height});
                            }
                        });
        int[] first = damage.poll(10, TimeUnit.SECONDS);
        assertTrue(first != null, "the new viewer heard of the picture while paused");
        assertEquals(MachineState.PAUSED, m.state());
        assertEquals(64, m.display().width());
        int[] pixel = new int[1];
        m.display().read(0, 0, 1, 1, pixel, 0, 1);
        assertEquals(0xFF8040, pixel[0]);
        m.stop();
    }

    @Test
    void haltedCpuIsNotRunUntilTheTimerInterrupts() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        if (runs.get() == 1) {
                            // PICs as a BIOS leaves them, IRQ0 only; PIT at 20 Hz; then HLT.
                            picsForIrq0Only(io);
                            io.out(0x43, 1, 0x34);
                            io.out(0x40, 1, 0x00);
                            io.out(0x40, 1, 0xE9); // 59648 ticks: 50 ms
                        }
                        halted = true;
                    }
                };
        PcMachine m = machine(cpu);
        m.start();
        awaitRuns(cpu, 6);
        m.stop();
        // Each run after the first was caused by one timer interrupt: a busy loop would have
        // called run() thousands of times in the same span.
        int runs = cpu.runs.get();
        assertTrue(runs < 100, "halted CPU was run " + runs + " times");
    }

    /** A processor that is busy until told to halt, and notes when the machine turns its cache. */
    private static class BusyThenIdle extends ScriptedProcessor {
        final BlockingQueue<Boolean> cacheCalls = new LinkedBlockingQueue<>();
        volatile boolean idle;
        volatile long haltedAt;
        volatile long cacheOffAt;

        @Override
        void step() {
            if (idle && !halted) {
                // Halts again after each interrupt that woke it; the idle time starts at the first.
                halted = true;
                if (haltedAt == 0) {
                    haltedAt = System.nanoTime();
                }
            }
        }

        @Override
        public void useDecodedBlocks(boolean on) {
            if (!on) {
                cacheOffAt = System.nanoTime();
            }
            cacheCalls.add(on);
        }
    }

    @Test
    void aBusyGuestGetsTheBlockCacheAndLosesItAfterTwoIdleSeconds() throws Exception {
        BusyThenIdle cpu = new BusyThenIdle();
        PcMachine m = machine(cpu, DecodedBlocks.WHEN_BUSY);
        m.start();
        // run() reports a full slice each time: a guest far busier than the threshold.
        assertEquals(Boolean.TRUE, cpu.cacheCalls.poll(10, TimeUnit.SECONDS), "turned on");
        assertEquals(1, m.counters().decodedBlockSwitches());
        cpu.idle = true;
        assertEquals(Boolean.FALSE, cpu.cacheCalls.poll(10, TimeUnit.SECONDS), "turned off");
        // The idle time is counted in whole windows, and the window in which the CPU halted may
        // begin just before it (one reading, then the run() that halts): one window of slack.
        assertTrue(
                cpu.cacheOffAt - cpu.haltedAt
                        >= GuestActivity.IDLE_NANOS - GuestActivity.WINDOW_NANOS,
                "off only after the idle time: "
                        + (cpu.cacheOffAt - cpu.haltedAt) / 1_000_000
                        + " ms"
                        + " runs "
                        + cpu.runs.get()
                        + " instr "
                        + m.counters());
        assertEquals(2, m.counters().decodedBlockSwitches());
        m.stop();
        assertNull(cpu.cacheCalls.poll(), "nothing more");
    }

    @Test
    void aMachineSetToAlwaysOrNeverIsNotSwitched() throws Exception {
        for (DecodedBlocks fixed :
                new DecodedBlocks[] {DecodedBlocks.ALWAYS, DecodedBlocks.NEVER}) {
            BusyThenIdle cpu = new BusyThenIdle();
            PcMachine m = machine(cpu, fixed);
            m.start();
            awaitRuns(cpu, 50);
            // Three switch windows of a busy guest, which WHEN_BUSY would have turned on.
            Thread.sleep(3 * GuestActivity.WINDOW_NANOS / 1_000_000);
            m.stop();
            assertNull(cpu.cacheCalls.poll(), fixed + ": the processor keeps its mode");
            assertEquals(0, m.counters().decodedBlockSwitches());
        }
    }

    /**
     * Takes a timer interrupt as Linux's one-shot clock event does: the PICs set up for IRQ 0 only,
     * then at each interrupt the PIT loaded for one more in 4 ms (mode 4), then HLT.
     */
    private static class OneShotTicks extends ScriptedProcessor {
        final BlockingQueue<Long> interrupts = new LinkedBlockingQueue<>();

        @Override
        void step() {
            if (runs.get() == 1) {
                picsForIrq0Only(io);
            } else {
                interrupts.add(System.nanoTime());
            }
            io.out(0x43, 1, 0x38);
            io.out(0x40, 1, 4773 & 0xFF);
            io.out(0x40, 1, 4773 >> 8);
            halted = true;
        }
    }

    private static long awaitSlackSleeps(PcMachine m, long atLeast) throws InterruptedException {
        for (int i = 0; i < 2000 && m.counters().slackSleeps() < atLeast; i++) {
            Thread.sleep(10);
        }
        return m.counters().slackSleeps();
    }

    @Test
    void anIdleMachineDefersItsOneShotTimerInterruptsUntilInputComes() throws Exception {
        OneShotTicks cpu = new OneShotTicks();
        PcMachine m = machine(cpu, DecodedBlocks.NEVER, Duration.ofMillis(50));
        m.start();
        // Idle two seconds after the start (GuestActivity): the sleeps then take the slack.
        assertTrue(awaitSlackSleeps(m, 10) >= 10, "slack sleeps: " + m.counters());
        cpu.interrupts.clear();
        long first = cpu.interrupts.poll(10, TimeUnit.SECONDS);
        long last = first;
        for (int i = 0; i < 10; i++) {
            last = cpu.interrupts.poll(10, TimeUnit.SECONDS);
        }
        // Without the slack one comes every 4 ms; with it they ride on the wake-ups of the display
        // refresh (at most 33 ms apart) or the slack's end. A busy host only spaces them further:
        // that cannot fail this check, though on a host loaded enough it could hide a lost slack
        // (the slack sleeps counted above do not depend on the load).
        long meanGap = (last - first) / 10;
        assertTrue(meanGap >= 12_000_000, "mean gap between interrupts: " + meanGap + " ns");

        // A key (any host input) ends the idleness at once, and for two seconds.
        m.keyboard().key(0x1E, true);
        m.inspect(board -> null);
        long before = m.counters().slackSleeps();
        Thread.sleep(500);
        assertEquals(before, m.counters().slackSleeps(), "no slack right after input");
        assertTrue(awaitSlackSleeps(m, before + 10) >= before + 10, "idle again later");
        m.stop();
    }

    @Test
    void aMachineWithoutIdleSlackNeverSleepsWithIt() throws Exception {
        OneShotTicks cpu = new OneShotTicks();
        PcMachine m = machine(cpu, DecodedBlocks.NEVER);
        m.start();
        Thread.sleep(GuestActivity.IDLE_NANOS / 1_000_000 + 500);
        assertTrue(m.counters().sleeps() > 10, "it slept: " + m.counters());
        assertEquals(0, m.counters().slackSleeps());
        m.stop();
    }

    @Test
    void tripleFaultResetsTheMachineLikeAPc() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    public void reset() {
                        super.reset();
                        shutdown = false;
                    }

                    @Override
                    void step() {
                        // Shut down once after the power-on reset; run normally after the reboot.
                        if (resets.get() == 1) {
                            shutdown = true;
                        }
                    }
                };
        PcMachine m = machine(cpu);
        m.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cpu.resets.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(2, cpu.resets.get(), "the shutdown should have reset the CPU once");
        assertEquals(MachineState.RUNNING, m.state());
        assertNull(exits.poll());
        m.stop();
    }

    @Test
    void tripleFaultEndsTheMachineWhenAskedToExitOnReset() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        shutdown = true;
                    }
                };
        PcMachine m = machine(cpu);
        m.exitOnGuestReset(true);
        m.start();
        assertEquals(ExitReason.TRIPLE_FAULT, exits.poll(10, TimeUnit.SECONDS));
        assertEquals(MachineState.STOPPED, m.state());
    }

    @Test
    void aResetRegisterEndsTheMachineWhenAskedToExitOnReset() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        // PIIX3 Reset Control: a 0-to-1 edge of bit 2 resets the system.
                        io.out(0xCF9, 1, 0x02);
                        io.out(0xCF9, 1, 0x06);
                    }
                };
        PcMachine m = machine(cpu);
        m.exitOnGuestReset(true);
        m.start();
        assertEquals(ExitReason.GUEST_RESET, exits.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void emulatorFailureEndsTheMachineWithItsCause() throws Exception {
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        failure = new IllegalStateException("unimplemented opcode");
                    }
                };
        PcMachine m = machine(cpu);
        BlockingQueue<Throwable> causes = new LinkedBlockingQueue<>();
        m.addExitListener((reason, error) -> causes.add(error));
        m.start();
        assertEquals(ExitReason.EMULATOR_ERROR, exits.poll(10, TimeUnit.SECONDS));
        assertEquals("unimplemented opcode", causes.poll(10, TimeUnit.SECONDS).getMessage());
    }

    @Test
    void serialStreamsConnectTheHostToCom1() throws Exception {
        StringBuilder echoed = new StringBuilder();
        ScriptedProcessor cpu =
                new ScriptedProcessor() {
                    @Override
                    void step() {
                        // A polling echo loop: every received byte is sent back upper-cased.
                        while ((io.in(0x3FD, 1) & 0x01) != 0) {
                            int b = io.in(0x3F8, 1);
                            echoed.append((char) b);
                            io.out(0x3F8, 1, Character.toUpperCase(b));
                        }
                    }
                };
        PcMachine m = machine(cpu);
        InputStream fromGuest = m.serialFromGuest();
        m.start();
        m.serialToGuest().write("atrium".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] got = fromGuest.readNBytes(6);
        assertEquals("ATRIUM", new String(got, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("ATRIUM", m.serialText());
        m.stop();
        assertEquals(-1, fromGuest.read(), "stream ends when the machine stops");
    }

    @Test
    void rtcShowsTheInjectedHostDate() throws Exception {
        Path bios = Files.write(dir.resolve("bios.bin"), new byte[64 * 1024]);
        HostTime host =
                new HostTime() {
                    @Override
                    public long monotonicNanos() {
                        return System.nanoTime();
                    }

                    @Override
                    public long epochMillis() {
                        return java.time.Instant.parse("2031-07-04T12:00:00Z").toEpochMilli();
                    }
                };
        ScriptedProcessor cpu = new ScriptedProcessor();
        PcMachine m =
                new PcMachine(
                        MachineConfig.firmware(4, bios, null),
                        host,
                        (memory, io, interrupts, tsc) -> {
                            cpu.io = io;
                            cpu.interrupts = interrupts;
                            return cpu;
                        });
        m.start();
        int[] date =
                m.inspect(
                        b -> {
                            int[] d = new int[3];
                            int[] regs = {0x32, 0x09, 0x08};
                            for (int i = 0; i < 3; i++) {
                                b.ports().out(0x70, 1, regs[i]);
                                d[i] = b.ports().in(0x71, 1);
                            }
                            return d;
                        });
        m.stop();
        assertEquals(
                java.util.List.of(0x20, 0x31, 0x07),
                java.util.Arrays.stream(date).boxed().toList());
    }

    @Test
    void missingFirmwareIsAClearError() {
        Path missing = dir.resolve("none.bin");
        assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> new PcMachine(MachineConfig.firmware(4, missing, null)));
        assertThrows(
                IllegalArgumentException.class, () -> MachineConfig.firmware(1, missing, null));
    }
}
