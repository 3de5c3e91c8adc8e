package org.atrium.emulator.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.atrium.emulator.boot.BzImage;
import org.atrium.emulator.boot.Initrd;
import org.atrium.emulator.boot.LinuxLoader;
import org.atrium.emulator.cpu.CpuState;
import org.atrium.emulator.display.DisplayListener;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.KeyboardLedListener;
import org.atrium.emulator.input.PointerInput;
import org.atrium.emulator.memory.LazyMemory;
import org.atrium.emulator.memory.MemoryMap;
import org.atrium.emulator.snapshot.SnapshotFile;
import org.atrium.emulator.snapshot.SnapshotFormatException;
import org.atrium.emulator.snapshot.Snapshottable;
import org.atrium.emulator.snapshot.StateCodec;
import org.atrium.emulator.time.HostTime;
import org.atrium.emulator.time.Timer;
import org.atrium.emulator.time.VirtualClock;

/**
 * One virtual PC running on its own thread. Build it from a {@link MachineConfig}, attach the host
 * side ({@link #display()}, {@link #keyboard()}, the serial streams, exit listeners), then {@link
 * #start()}. All methods are thread-safe; input from host threads is queued and applied by the
 * machine's thread between instruction slices.
 *
 * <p>Life cycle: {@code CREATED → start() → RUNNING ⇄ pause()/resume() → PAUSED}; {@code stop()}, a
 * triple fault or an emulator error end in {@code STOPPED}, after which exit listeners are told
 * once. {@link #reset()} pulses the reset line of a running or paused machine.
 *
 * <p>Power-off works through the ACPI PM registers, which only a directly booted kernel learns
 * about (from the loader's ACPI tables). The pointer is a virtio tablet (absolute coordinates, so
 * the guest cursor sits under the host's) once the guest's virtio-input driver runs it; until then
 * it is a PS/2 mouse, which reports relative movement that an accelerating guest drifts from.
 */
public final class PcMachine {
    /** The board's name in a snapshot's "machine" section. */
    static final String BOARD_NAME = "pc-i440fx";

    static final String MACHINE_SECTION = "machine";
    static final String BIOS_SECTION = "rom.bios";
    static final String VGA_BIOS_SECTION = "rom.vga";
    static final String CPU_SECTION = "cpu";
    static final String RAM_SECTION = "ram";
    static final int SECTION_VERSION = 1;

    /** The largest device state accepted (the VGA's with 16 MiB of video memory is the largest). */
    static final long MAX_STATE_BYTES = 32 << 20;

    /** Instructions run between two looks at timers and host input. */
    private static final int SLICE = 20_000;

    private static final long DISPLAY_PERIOD_NANOS = 1_000_000_000L / 60;

    /**
     * Longest sleep of a halted or paused machine. Every host request (input, pause, resume, stop,
     * reset, snapshot) unparks the thread, and a halted CPU sleeps to its next timer, so this is
     * only a safety net: an idle VM should wake for its guest's timers and nothing else.
     */
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final int HOST_BUFFER_BYTES = 1 << 20;
    // The console screen of a directly booted kernel (no BIOS to set a mode, see powerOn).
    private static final int SCREEN_WIDTH = 1024;
    private static final int SCREEN_HEIGHT = 768;

    private final MachineConfig config;
    private final VirtualClock clock;
    private final PcBoard board;
    private final HostByteBuffer serialOut = new HostByteBuffer(HOST_BUFFER_BYTES);
    private final HostByteBuffer debugOut = new HostByteBuffer(HOST_BUFFER_BYTES);
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> serialIn = new ConcurrentLinkedQueue<>();
    // Snapshot requests, served by the machine's thread while it is paused.
    private final ConcurrentLinkedQueue<SnapshotRequest> snapshotRequests =
            new ConcurrentLinkedQueue<>();
    private final List<ExitListener> exitListeners = new CopyOnWriteArrayList<>();
    private final KeyboardInput keyboard;
    private final PointerInput pointer;
    private final DisplaySurface display;
    private final Processor cpu;
    // The kernel and initrd read to check them, until the first power-on uses them.
    private BootImages firstBoot;
    // Set for a machine restored from a snapshot: it continues instead of powering on.
    private boolean restored;

    private volatile MachineState state = MachineState.CREATED;
    private volatile boolean pauseRequested;
    private volatile boolean stopRequested;
    private volatile boolean resetRequested;
    private volatile boolean powerOffRequested;
    private volatile boolean exitOnGuestReset;
    // Set when a display listener subscribes: the machine's thread draws the screen at once, paused
    // or not, since an unwatched screen keeps no picture and a paused machine does not refresh.
    private volatile boolean displayWanted;
    // Set on the machine's own thread when the guest writes a reset register.
    private boolean guestResetPending;
    private Thread thread;
    // Written only by the machine's thread; other threads read them as diagnostics (counters()).
    private long instructions;
    private long sleeps;
    private long slackSleeps;
    private long decodedBlockSwitches;

    /** A machine on the host's real clocks. */
    public PcMachine(MachineConfig config) throws IOException {
        this(config, HostTime.system());
    }

    /**
     * A machine whose virtual time follows {@code hostTime}.
     *
     * @throws IOException if a firmware image cannot be read
     * @throws IllegalArgumentException if a firmware image is not usable
     */
    public PcMachine(MachineConfig config, HostTime hostTime) throws IOException {
        this(config, hostTime, Processors.standard(config.decodedBlocks()));
    }

    PcMachine(MachineConfig config, HostTime hostTime, ProcessorFactory processors)
            throws IOException {
        this(config, hostTime, processors, null, null);
    }

    /**
     * A machine around {@code memory} (restored RAM and BIOS), or, when it is {@code null}, around
     * fresh memory and the config's images.
     */
    private PcMachine(
            MachineConfig config,
            HostTime hostTime,
            ProcessorFactory processors,
            MemoryMap memory,
            byte[] vgaBios)
            throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(processors, "processors");
        // A bad kernel is refused here, with the loader's message, before anything runs. The
        // images are kept for the first power-on only; a restored machine needs them at a reboot.
        if (config.kernel() != null) {
            BootImages images = readBootImages(config);
            firstBoot = memory == null ? images : null;
        }
        this.clock = new VirtualClock(hostTime::monotonicNanos);
        BoardEvents events =
                new BoardEvents() {
                    @Override
                    public void serialTransmitted(int value) {
                        serialOut.write(value);
                    }

                    @Override
                    public void debugConsole(int value) {
                        debugOut.write(value);
                    }

                    @Override
                    public void resetRequested() {
                        guestResetPending = true;
                    }

                    @Override
                    public void powerOffRequested() {
                        powerOffRequested = true;
                    }
                };
        this.board =
                memory == null
                        ? new PcBoard(config, clock, hostTime.epochMillis(), events)
                        : new PcBoard(
                                vgaBios,
                                memory,
                                config.drives(),
                                clock,
                                hostTime.epochMillis(),
                                events);
        KeyboardInput boardKeyboard = board.keyboard();
        this.keyboard =
                new KeyboardInput() {
                    @Override
                    public void key(int code, boolean pressed) {
                        post(() -> boardKeyboard.key(code, pressed));
                    }

                    // LED state is read and watched directly: it only flows out of the machine.
                    @Override
                    public int leds() {
                        return boardKeyboard.leds();
                    }

                    @Override
                    public void addLedListener(KeyboardLedListener listener) {
                        boardKeyboard.addLedListener(listener);
                    }

                    @Override
                    public void removeLedListener(KeyboardLedListener listener) {
                        boardKeyboard.removeLedListener(listener);
                    }
                };
        PointerInput boardPointer = board.pointer();
        this.pointer = (x, y, buttons) -> post(() -> boardPointer.pointer(x, y, buttons));
        DisplaySurface boardDisplay = board.display();
        this.display =
                new DisplaySurface() {
                    @Override
                    public int width() {
                        return boardDisplay.width();
                    }

                    @Override
                    public int height() {
                        return boardDisplay.height();
                    }

                    @Override
                    public void read(
                            int x, int y, int w, int h, int[] dst, int offset, int stride) {
                        boardDisplay.read(x, y, w, h, dst, offset, stride);
                    }

                    @Override
                    public void addListener(DisplayListener listener) {
                        boardDisplay.addListener(listener);
                        displayWanted = true;
                        wake();
                    }

                    @Override
                    public void removeListener(DisplayListener listener) {
                        boardDisplay.removeListener(listener);
                    }
                };
        this.cpu =
                processors.create(board.memory(), board.ports(), board.interrupts(), clock::nanos);
    }

    public MachineConfig config() {
        return config;
    }

    public MachineState state() {
        return state;
    }

    /**
     * The id of the thread that runs this machine's CPU, or -1 before {@link #start()}: a host
     * reads the VM's CPU time from it ({@code ThreadMXBean.getThreadCpuTime}).
     */
    public synchronized long threadId() {
        return thread == null ? -1 : thread.threadId();
    }

    /**
     * The machine's activity counters, read from any thread without stopping it: each figure is
     * exact, but they are not all taken at the same instruction.
     */
    public RunCounters counters() {
        return new RunCounters(
                instructions,
                sleeps,
                slackSleeps,
                clock.expiries(),
                board.portAccesses(),
                board.interruptsTaken(),
                decodedBlockSwitches);
    }

    /** Starts the machine's thread from power-on. */
    public synchronized void start() {
        if (state != MachineState.CREATED) {
            throw new IllegalStateException("machine already started (state " + state + ")");
        }
        state = MachineState.RUNNING;
        thread = Thread.ofPlatform().name("atrium-vm-cpu").daemon().unstarted(this::run);
        thread.start();
    }

    /** Stops running guest code and virtual time; idempotent. */
    public synchronized void pause() {
        requireStarted();
        if (state == MachineState.RUNNING) {
            pauseRequested = true;
            state = MachineState.PAUSED;
            LockSupport.unpark(thread);
        }
    }

    /** Lets a paused machine run on; idempotent. */
    public synchronized void resume() {
        requireStarted();
        if (state == MachineState.PAUSED) {
            pauseRequested = false;
            state = MachineState.RUNNING;
            LockSupport.unpark(thread);
        }
    }

    /**
     * What a reset the guest causes does: by default the machine restarts, as a PC does after a
     * triple fault or a write to a reset register; with {@code true} it ends instead, with {@link
     * ExitReason#TRIPLE_FAULT} or {@link ExitReason#GUEST_RESET} (QEMU's {@code -no-reboot}).
     */
    public void exitOnGuestReset(boolean exit) {
        exitOnGuestReset = exit;
    }

    /** Pulses the reset line: every chip and the CPU return to their power-on state. */
    public void reset() {
        requireStarted();
        resetRequested = true;
        LockSupport.unpark(thread);
    }

    /** Ends the machine for good and waits for its thread to finish; idempotent. */
    public void stop() {
        Thread t;
        synchronized (this) {
            if (state == MachineState.CREATED) {
                state = MachineState.STOPPED;
                finish(ExitReason.STOPPED_BY_HOST, null);
                return;
            }
            stopRequested = true;
            t = thread;
            LockSupport.unpark(t);
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The screen of the display adapter. A new listener gets the picture drawn at once, also while
     * the machine is paused (a migration or snapshot), when no periodic refresh runs.
     */
    public DisplaySurface display() {
        return display;
    }

    /** The PS/2 keyboard; events are queued for the machine's thread. */
    public KeyboardInput keyboard() {
        return keyboard;
    }

    /** The PS/2 mouse, fed absolute positions; events are queued for the machine's thread. */
    public PointerInput pointer() {
        return pointer;
    }

    /** What the host writes here arrives at the first serial port (COM1) of the guest. */
    public OutputStream serialToGuest() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                serialIn.add(b & 0xFF);
                wake();
            }
        };
    }

    /**
     * Bytes the guest sends out of COM1, from the moment this stream is opened; reads block until
     * data arrives and end when the machine stops. A reader that falls more than 1 MiB behind loses
     * the oldest bytes.
     */
    public InputStream serialFromGuest() {
        return serialOut.stream();
    }

    /** Bytes the firmware wrote to the QEMU debug console port, from this moment on. */
    public InputStream debugConsole() {
        return debugOut.stream();
    }

    /** The debug console output so far (the last 1 MiB), one char per byte. */
    public String debugConsoleText() {
        return debugOut.text();
    }

    /** The COM1 output so far (the last 1 MiB), one char per byte. */
    public String serialText() {
        return serialOut.text();
    }

    public void addExitListener(ExitListener listener) {
        exitListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeExitListener(ExitListener listener) {
        exitListeners.remove(listener);
    }

    /**
     * Runs {@code action} with the board on the machine's thread between two instruction slices and
     * waits for it: how tests look at guest memory of a running machine.
     */
    <T> T inspect(java.util.function.Function<PcBoard, T> action) throws InterruptedException {
        java.util.concurrent.CompletableFuture<T> result =
                new java.util.concurrent.CompletableFuture<>();
        post(
                () -> {
                    try {
                        result.complete(action.apply(board));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("machine thread did not answer", e);
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Saves the whole machine to {@code file} and leaves it as it was (running or paused); see
     * {@link #saveSnapshot(Path, boolean)}.
     */
    public void saveSnapshot(Path file) throws IOException {
        saveSnapshot(file, state() == MachineState.RUNNING);
    }

    /**
     * Saves the whole machine to {@code file}: the machine pauses at an instruction boundary, its
     * thread writes CPU, chips, virtual time and RAM into a temporary file next to {@code file} and
     * renames it over {@code file}, so a reader never sees a partial snapshot. Blocks until the
     * file is written. Virtual time stands still while the file is written.
     *
     * @param resume whether the machine runs on afterwards (also when the write failed); if not, it
     *     stays {@code PAUSED}
     * @throws IllegalStateException if the machine is not started or already stopped
     * @throws IOException if the file cannot be written
     */
    public void saveSnapshot(Path file, boolean resume) throws IOException {
        Objects.requireNonNull(file, "file");
        SnapshotRequest request = new SnapshotRequest(file, new CompletableFuture<>());
        synchronized (this) {
            requireStarted();
            if (Thread.currentThread() == thread) {
                // The machine's thread would wait for itself.
                throw new IllegalStateException("saveSnapshot called on the machine's own thread");
            }
            if (state == MachineState.STOPPED) {
                throw new IllegalStateException("machine stopped");
            }
            pause();
            snapshotRequests.add(request);
        }
        wake();
        try {
            request.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the snapshot was written");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        } finally {
            if (resume && state() == MachineState.PAUSED) {
                resume();
            }
        }
    }

    /** A file to write, and the caller waiting for it. */
    private record SnapshotRequest(Path file, CompletableFuture<Void> done) {}

    private void serveSnapshotRequests() {
        for (SnapshotRequest r; (r = snapshotRequests.poll()) != null; ) {
            try {
                // Timers that fell due during the last slice fire first, as at the top of the run
                // loop: a device restores its deadlines from the snapshot's instant on, so an edge
                // due before it (a timer interrupt) would otherwise be lost.
                clock.runDue();
                writeSnapshot(r.file());
                r.done().complete(null);
            } catch (IOException | RuntimeException e) {
                r.done().completeExceptionally(e);
            }
        }
    }

    /** Writes every section; on the machine's thread, with the CPU between instructions. */
    private void writeSnapshot(Path file) throws IOException {
        SnapshotFile.write(file, sections());
    }

    /**
     * The sections of a snapshot of this machine now, RAM last; on the machine's thread (or before
     * it starts).
     */
    List<SnapshotFile.Section> sections() {
        List<SnapshotFile.Section> sections = new ArrayList<>();
        long ramBytes = board.ram().byteSize();
        sections.add(
                SnapshotFile.Section.of(
                        MACHINE_SECTION,
                        SECTION_VERSION,
                        StateCodec.encode(new MachineSnapshotInfo(BOARD_NAME, ramBytes))));
        sections.add(SnapshotFile.Section.of(BIOS_SECTION, SECTION_VERSION, board.biosImage()));
        byte[] vgaBios = board.vgaBiosImage();
        if (vgaBios != null) {
            sections.add(SnapshotFile.Section.of(VGA_BIOS_SECTION, SECTION_VERSION, vgaBios));
        }
        sections.add(
                SnapshotFile.Section.of(
                        CPU_SECTION, SECTION_VERSION, StateCodec.encode(cpu.state())));
        for (Snapshottable<? extends Record> part : board.parts()) {
            sections.add(
                    SnapshotFile.Section.of(
                            part.id(), part.stateVersion(), StateCodec.encode(part.snapshot())));
        }
        sections.add(new SnapshotFile.Section(RAM_SECTION, SECTION_VERSION, true, board.ram()));
        return sections;
    }

    /**
     * Checks a snapshot file whole, as hostile input: its structure, then every section's payload
     * against its checksum, guest RAM included (it reads every byte once). A restore checks the
     * structure and the small sections anyway; this is the check of RAM that {@link
     * RestoreOptions#verifyRam()} otherwise makes, for a caller that checks a file once and then
     * restores it many times.
     *
     * @throws SnapshotFormatException if anything in the file is wrong
     * @throws IOException if the file cannot be read
     */
    public static void verifySnapshot(Path snapshot) throws IOException {
        try (SnapshotFile file = SnapshotFile.open(snapshot)) {
            for (String id : file.sections().keySet()) {
                file.verify(id);
            }
        }
    }

    /**
     * A machine that continues where the snapshot in {@code snapshot} left off, on the host's real
     * clocks; see {@link #restore(Path, MachineConfig, HostTime, RestoreOptions)}.
     */
    public static PcMachine restore(Path snapshot, MachineConfig config, RestoreOptions options)
            throws IOException {
        return restore(snapshot, config, HostTime.system(), options);
    }

    /**
     * A machine that continues where the snapshot in {@code snapshot} left off. It is returned
     * {@code CREATED}: attach the host side, then {@link #start()} runs the guest on from the
     * snapshot's instant (virtual time, the TSC and every timer continue from there; the guest's
     * RTC shows the time it showed then, advancing).
     *
     * <p>{@code config} must name the same amount of RAM. Its BIOS and VGA BIOS are not read: the
     * snapshot carries the ROM images. A kernel and initrd it names are checked now and read again
     * when the guest reboots, which then boots that kernel again.
     *
     * <p>The file is hostile input: anything wrong with it is a {@link SnapshotFormatException}
     * with a clear message, and no machine is returned.
     *
     * @throws SnapshotFormatException if the file is not a snapshot this build can load into {@code
     *     config}
     * @throws IOException if the file or a kernel cannot be read
     */
    public static PcMachine restore(
            Path snapshot, MachineConfig config, HostTime hostTime, RestoreOptions options)
            throws IOException {
        return restore(
                snapshot, config, hostTime, options, Processors.standard(config.decodedBlocks()));
    }

    static PcMachine restore(
            Path snapshot,
            MachineConfig config,
            HostTime hostTime,
            RestoreOptions options,
            ProcessorFactory processors)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        try (SnapshotFile file = SnapshotFile.open(snapshot)) {
            long ramBytes = config.memoryMiB() * (1L << 20);
            MachineSnapshotInfo info =
                    StateCodec.decode(
                            MachineSnapshotInfo.class,
                            sectionPayload(file, MACHINE_SECTION, SECTION_VERSION, 4096));
            if (!BOARD_NAME.equals(info.board())) {
                throw new SnapshotFormatException(
                        "snapshot is of a '" + info.board() + "' board, not " + BOARD_NAME);
            }
            if (info.ramBytes() != ramBytes) {
                throw new SnapshotFormatException(
                        "snapshot has "
                                + info.ramBytes()
                                + " bytes of RAM; the machine is configured with "
                                + ramBytes);
            }
            byte[] bios = sectionPayload(file, BIOS_SECTION, SECTION_VERSION, 16 << 20);
            byte[] vgaBios =
                    file.sections().containsKey(VGA_BIOS_SECTION)
                            ? sectionPayload(file, VGA_BIOS_SECTION, SECTION_VERSION, 1 << 20)
                            : null;
            SnapshotFile.SectionInfo ram = file.sections().get(RAM_SECTION);
            if (ram == null
                    || ram.version() != SECTION_VERSION
                    || !ram.pageAligned()
                    || ram.length() != ramBytes) {
                throw new SnapshotFormatException(
                        ram == null
                                ? "section 'ram' is missing"
                                : "section 'ram' (version "
                                        + Integer.toUnsignedString(ram.version())
                                        + (ram.pageAligned() ? ", " : ", not page-aligned, ")
                                        + ram.length()
                                        + " bytes) does not match version "
                                        + SECTION_VERSION
                                        + " with "
                                        + ramBytes
                                        + " bytes of RAM");
            }
            // RAM memory comes last: first everything that can be checked without it.
            Arena arena = Arena.ofShared();
            PcMachine machine = null;
            try {
                MemorySegment segment =
                        options.ram() == RestoreOptions.RamMode.MAP_PRIVATE
                                ? file.mapPrivate(RAM_SECTION, ramBytes, arena, options.verifyRam())
                                : LazyMemory.allocate(ramBytes, arena);
                MemoryMap memory;
                try {
                    memory = new MemoryMap(segment, bios, arena);
                } catch (IllegalArgumentException e) {
                    throw new SnapshotFormatException("section 'rom.bios': " + e.getMessage());
                }
                arena = null; // the memory map owns it now
                try {
                    machine = new PcMachine(config, hostTime, processors, memory, vgaBios);
                } catch (IllegalArgumentException e) {
                    memory.close();
                    throw new SnapshotFormatException(
                            "snapshot cannot be loaded: " + e.getMessage(), e);
                } catch (IOException | RuntimeException e) {
                    memory.close();
                    throw e;
                }
                machine.load(file, options);
                PcMachine done = machine;
                machine = null;
                return done;
            } finally {
                if (arena != null) {
                    arena.close();
                }
                if (machine != null) {
                    machine.board.close();
                }
            }
        }
    }

    /**
     * Decodes every section of {@code file} into this new machine's parts, checks that no section
     * is unknown, copies RAM if asked, and only then loads the states.
     */
    private void load(SnapshotFile file, RestoreOptions options) throws IOException {
        Set<String> known =
                new HashSet<>(
                        List.of(
                                MACHINE_SECTION,
                                BIOS_SECTION,
                                VGA_BIOS_SECTION,
                                RAM_SECTION,
                                CPU_SECTION));
        List<Snapshottable<? extends Record>> parts = board.parts();
        for (Snapshottable<? extends Record> part : parts) {
            known.add(part.id());
        }
        for (String id : file.sections().keySet()) {
            if (!known.contains(id)) {
                throw new SnapshotFormatException(
                        "section '" + id + "' is unknown to this build (a newer snapshot?)");
            }
        }
        CpuState cpuState =
                StateCodec.decode(
                        CpuState.class,
                        sectionPayload(file, CPU_SECTION, SECTION_VERSION, MAX_STATE_BYTES));
        Map<String, Record> states = new HashMap<>();
        for (Snapshottable<? extends Record> part : parts) {
            if (part.optionalInSnapshot() && !file.sections().containsKey(part.id())) {
                continue; // written before the part existed: the board gives it its power-on state
            }
            byte[] payload = sectionPayload(file, part.id(), part.stateVersion(), MAX_STATE_BYTES);
            states.put(part.id(), StateCodec.decode(part.stateType(), payload));
        }
        if (options.ram() == RestoreOptions.RamMode.COPY) {
            file.copyInto(RAM_SECTION, board.ram());
            board.memory().codeWatch().changedAll();
        }
        clock.pause();
        try {
            board.restoreParts(states);
            cpu.restore(cpuState);
        } catch (IllegalArgumentException e) {
            throw new SnapshotFormatException("a device refused its state: " + e.getMessage(), e);
        }
        restored = true;
    }

    /** A section's payload, after checking its version and size. */
    private static byte[] sectionPayload(SnapshotFile file, String id, int version, long maxBytes)
            throws IOException {
        SnapshotFile.SectionInfo info = file.sections().get(id);
        if (info == null) {
            throw new SnapshotFormatException("section '" + id + "' is missing");
        }
        if (info.version() != version) {
            throw new SnapshotFormatException(
                    "section '"
                            + id
                            + "' has version "
                            + Integer.toUnsignedString(info.version())
                            + "; this build reads version "
                            + version);
        }
        if (info.pageAligned()) {
            throw new SnapshotFormatException("section '" + id + "' is not expected page-aligned");
        }
        return file.read(id, maxBytes);
    }

    private void requireStarted() {
        if (state == MachineState.CREATED) {
            throw new IllegalStateException("machine not started");
        }
    }

    private void post(Runnable action) {
        inbox.add(action);
        wake();
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        ExitReason reason;
        Throwable error = null;
        try {
            reason = loop();
        } catch (RuntimeException | Error e) {
            reason = ExitReason.EMULATOR_ERROR;
            error = e;
        }
        synchronized (this) {
            state = MachineState.STOPPED;
        }
        for (SnapshotRequest r; (r = snapshotRequests.poll()) != null; ) {
            r.done()
                    .completeExceptionally(
                            new IllegalStateException(
                                    "machine stopped before the snapshot was written"));
        }
        finish(reason, error);
    }

    private ExitReason loop() {
        // The display is refreshed at 60 Hz of virtual time, so a paused machine repaints nothing.
        // It rides on the wake-ups of the guest's own timers (a 250 Hz tick, say) and wakes the
        // machine by itself only when none comes within a frame.
        Timer[] display = new Timer[1];
        display[0] =
                clock.timer(
                        () -> {
                            long now = clock.nanos();
                            board.refreshDisplay(now);
                            display[0].arm(now + DISPLAY_PERIOD_NANOS);
                        },
                        DISPLAY_PERIOD_NANOS);
        display[0].arm(clock.nanos() + DISPLAY_PERIOD_NANOS);
        GuestActivity activity = new GuestActivity();
        boolean switchCache = config.decodedBlocks() == DecodedBlocks.WHEN_BUSY;
        long idleSlack = config.idleTimerSlack().toNanos();
        if (restored) {
            // A restored machine's clock stood still at the snapshot's instant until now.
            clock.resume();
        } else {
            powerOn(cpu);
        }
        while (true) {
            if (stopRequested) {
                return ExitReason.STOPPED_BY_HOST;
            }
            if (pauseRequested) {
                clock.pause();
                while (pauseRequested && !stopRequested) {
                    serveSnapshotRequests();
                    drawIfWanted();
                    if (pauseRequested
                            && !stopRequested
                            && snapshotRequests.isEmpty()
                            && !displayWanted) {
                        LockSupport.parkNanos(MAX_SLEEP_NANOS);
                    }
                }
                clock.resume();
                continue;
            }
            if (resetRequested) {
                resetRequested = false;
                board.reset();
                powerOn(cpu);
            }
            boolean input = !serialIn.isEmpty();
            for (Runnable action; (action = inbox.poll()) != null; ) {
                action.run();
                input = true;
            }
            drawIfWanted();
            while (!serialIn.isEmpty() && board.serialReceive(serialIn.peek())) {
                serialIn.poll();
            }
            clock.runDue();
            long now = clock.nanos();
            if (input) {
                activity.hostInput(now);
            }
            long before = activity.switches();
            boolean busy = activity.update(now, instructions);
            if (switchCache && activity.switches() != before) {
                decodedBlockSwitches++;
                cpu.useDecodedBlocks(busy);
            }
            if (idleSlack > 0) {
                clock.setIdleSlack(activity.idle(now) ? idleSlack : 0);
            }
            if (cpu.halted() && !board.interrupts().pending()) {
                long wait = Math.min(clock.nextDeadline() - now, MAX_SLEEP_NANOS);
                if (wait > 0) {
                    sleeps++;
                    if (clock.idleSlack() > 0) {
                        slackSleeps++;
                    }
                    LockSupport.parkNanos(wait);
                }
                continue;
            }
            instructions += cpu.run(SLICE);
            if (powerOffRequested) {
                return ExitReason.POWER_OFF;
            }
            // A triple fault makes the CPU signal shutdown, which the chipset turns into a reset.
            // A reset register the guest wrote may also be pending, with the CPU run past it.
            if (cpu.shutdownRequested() || guestResetPending) {
                if (exitOnGuestReset) {
                    return cpu.shutdownRequested()
                            ? ExitReason.TRIPLE_FAULT
                            : ExitReason.GUEST_RESET;
                }
                guestResetPending = false;
                resetRequested = true;
            }
            RuntimeException failure = cpu.failure();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Draws the screen for a listener that has just subscribed; on the machine's thread. */
    private void drawIfWanted() {
        if (displayWanted) {
            displayWanted = false;
            board.refreshDisplay(clock.nanos());
        }
    }

    /**
     * Resets the CPU; for a direct kernel boot, also loads the kernel afresh (a reboot starts it
     * again) and puts the CPU where the 32-bit boot protocol starts it. The kernel gets a linear
     * framebuffer in 1024x768x32 for its console, as from a boot loader's VESA mode.
     */
    private void powerOn(Processor cpu) {
        cpu.reset();
        if (config.kernel() != null) {
            BootImages images = firstBoot;
            firstBoot = null;
            try {
                if (images == null) {
                    images = readBootImages(config);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the kernel or initrd to boot: " + e.getMessage(), e);
            }
            long ramBytes = config.memoryMiB() * (1L << 20);
            board.configurePciForDirectBoot();
            cpu.enter(
                    LinuxLoader.load(
                            board.memory(),
                            ramBytes,
                            LinuxLoader.pcMemoryMap(ramBytes, board.romBytes()),
                            images.kernel(),
                            images.initrd(),
                            config.commandLine(),
                            board.writeAcpiTables(),
                            board.enableLinearFramebuffer(SCREEN_WIDTH, SCREEN_HEIGHT)));
        }
    }

    private void finish(ExitReason reason, Throwable error) {
        serialOut.close();
        debugOut.close();
        board.close();
        for (ExitListener listener : exitListeners) {
            listener.exited(reason, error);
        }
    }

    /**
     * Reads and checks the kernel and initrd of a direct boot. They are read afresh at every
     * power-on rather than kept: a VM would otherwise hold several MiB of heap for reboots only.
     */
    private static BootImages readBootImages(MachineConfig config) throws IOException {
        BzImage kernel = BzImage.parse(Files.readAllBytes(config.kernel()));
        byte[] initrd = config.initrd() == null ? null : Files.readAllBytes(config.initrd());
        if (initrd != null) {
            Initrd.check(initrd);
        }
        return new BootImages(kernel, initrd);
    }

    private record BootImages(BzImage kernel, byte[] initrd) {}
}
