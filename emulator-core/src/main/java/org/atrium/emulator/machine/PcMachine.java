package org.atrium.emulator.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.atrium.emulator.boot.BzImage;
import org.atrium.emulator.boot.Initrd;
import org.atrium.emulator.boot.LinuxLoader;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;
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
 * about (from the loader's ACPI tables). The pointer is a PS/2 mouse, which reports relative
 * movement: a guest that accelerates the pointer drifts from the host's cursor.
 */
public final class PcMachine {
    /** Instructions run between two looks at timers and host input. */
    private static final int SLICE = 20_000;

    private static final long DISPLAY_PERIOD_NANOS = 1_000_000_000L / 60;
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int HOST_BUFFER_BYTES = 1 << 20;
    // The console screen of a directly booted kernel (no BIOS to set a mode, see powerOn).
    private static final int SCREEN_WIDTH = 1024;
    private static final int SCREEN_HEIGHT = 768;

    private final MachineConfig config;
    private final VirtualClock clock;
    private final PcBoard board;
    private final ProcessorFactory processors;
    private final HostByteBuffer serialOut = new HostByteBuffer(HOST_BUFFER_BYTES);
    private final HostByteBuffer debugOut = new HostByteBuffer(HOST_BUFFER_BYTES);
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> serialIn = new ConcurrentLinkedQueue<>();
    private final List<ExitListener> exitListeners = new CopyOnWriteArrayList<>();
    private final KeyboardInput keyboard;
    private final BzImage kernel;
    private final byte[] initrd;
    private final PointerInput pointer;

    private volatile MachineState state = MachineState.CREATED;
    private volatile boolean pauseRequested;
    private volatile boolean stopRequested;
    private volatile boolean resetRequested;
    private volatile boolean powerOffRequested;
    private volatile boolean exitOnGuestReset;
    // Set on the machine's own thread when the guest writes a reset register.
    private boolean guestResetPending;
    private Thread thread;

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
        this(config, hostTime, Processors.standard());
    }

    PcMachine(MachineConfig config, HostTime hostTime, ProcessorFactory processors)
            throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.processors = Objects.requireNonNull(processors, "processors");
        // A bad kernel is refused here, with the loader's message, before anything runs.
        this.kernel =
                config.kernel() == null ? null : BzImage.parse(Files.readAllBytes(config.kernel()));
        this.initrd = config.initrd() == null ? null : Files.readAllBytes(config.initrd());
        if (initrd != null) {
            Initrd.check(initrd);
        }
        this.clock = new VirtualClock(hostTime::monotonicNanos);
        this.board =
                new PcBoard(
                        config,
                        clock,
                        hostTime.epochMillis(),
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
                        });
        KeyboardInput boardKeyboard = board.keyboard();
        this.keyboard = (code, pressed) -> post(() -> boardKeyboard.key(code, pressed));
        PointerInput boardPointer = board.pointer();
        this.pointer = (x, y, buttons) -> post(() -> boardPointer.pointer(x, y, buttons));
    }

    public MachineConfig config() {
        return config;
    }

    public MachineState state() {
        return state;
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

    /** The screen of the display adapter. */
    public DisplaySurface display() {
        return board.display();
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
        finish(reason, error);
    }

    private ExitReason loop() {
        Processor cpu =
                processors.create(board.memory(), board.ports(), board.interrupts(), clock::nanos);
        // The display is refreshed at 60 Hz of virtual time, so a paused machine repaints nothing.
        Timer[] display = new Timer[1];
        display[0] =
                clock.timer(
                        () -> {
                            long now = clock.nanos();
                            board.refreshDisplay(now);
                            display[0].arm(now + DISPLAY_PERIOD_NANOS);
                        });
        display[0].arm(clock.nanos() + DISPLAY_PERIOD_NANOS);
        powerOn(cpu);
        while (true) {
            if (stopRequested) {
                return ExitReason.STOPPED_BY_HOST;
            }
            if (pauseRequested) {
                clock.pause();
                while (pauseRequested && !stopRequested) {
                    LockSupport.parkNanos(MAX_SLEEP_NANOS);
                }
                clock.resume();
                continue;
            }
            if (resetRequested) {
                resetRequested = false;
                board.reset();
                powerOn(cpu);
            }
            for (Runnable action; (action = inbox.poll()) != null; ) {
                action.run();
            }
            while (!serialIn.isEmpty() && board.serialReceive(serialIn.peek())) {
                serialIn.poll();
            }
            clock.runDue();
            if (cpu.halted() && !board.interrupts().pending()) {
                long wait = Math.min(clock.nextDeadline() - clock.nanos(), MAX_SLEEP_NANOS);
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                continue;
            }
            cpu.run(SLICE);
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

    /**
     * Resets the CPU; for a direct kernel boot, also loads the kernel afresh (a reboot starts it
     * again) and puts the CPU where the 32-bit boot protocol starts it. The kernel gets a linear
     * framebuffer in 1024x768x32 for its console, as from a boot loader's VESA mode.
     */
    private void powerOn(Processor cpu) {
        cpu.reset();
        if (kernel != null) {
            long ramBytes = config.memoryMiB() * (1L << 20);
            cpu.enter(
                    LinuxLoader.load(
                            board.memory(),
                            ramBytes,
                            LinuxLoader.pcMemoryMap(ramBytes, board.romBytes()),
                            kernel,
                            initrd,
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
}
