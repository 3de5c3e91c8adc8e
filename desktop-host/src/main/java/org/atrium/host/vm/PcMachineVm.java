package org.atrium.host.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;
import org.atrium.emulator.machine.ExitReason;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.MachineState;
import org.atrium.emulator.machine.PcMachine;
import org.atrium.emulator.machine.RestoreOptions;

/** A VM backed by emulator-core's {@link PcMachine}. */
public final class PcMachineVm implements VmMachine {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final PcMachine machine;

    /** Set once {@link #watchGuest} is called: the guest says itself when it is up. */
    private volatile boolean guestAnnounces;

    /** The guest has announced itself since the last start or reset. */
    private volatile boolean guestUp;

    public PcMachineVm(PcMachine machine) {
        this.machine = machine;
    }

    /**
     * Watches the guest's first serial port for {@code marker} (the host's Linux guest writes
     * {@code ATRIUM-GUEST-READY} once its shells run) and counts the guest up only from then on, so
     * a desktop is not offered while its kernel still boots. Call before {@link #start()}: the
     * serial stream holds only bytes written after it is opened. The reader is a virtual thread
     * that ends with the machine (the stream ends then).
     */
    public void watchGuest(String marker) {
        guestAnnounces = true;
        InputStream serial = machine.serialFromGuest();
        byte[] wanted = marker.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Thread.ofVirtual()
                .name("atrium-guest-ready")
                .start(
                        () -> {
                            int matched = 0;
                            try (serial) {
                                int b;
                                while ((b = serial.read()) >= 0) {
                                    // The marker stands at the start of its own line, so a
                                    // mismatch simply starts the comparison over.
                                    matched =
                                            b == wanted[matched]
                                                    ? matched + 1
                                                    : (b == wanted[0] ? 1 : 0);
                                    if (matched == wanted.length) {
                                        guestUp = true;
                                        matched = 0;
                                    }
                                }
                            } catch (IOException e) {
                                // The machine ended: nothing more to watch.
                            }
                        });
    }

    @Override
    public boolean guestReady() {
        return state() == VmState.RUNNING && (!guestAnnounces || guestUp);
    }

    /**
     * @throws IOException when a firmware image cannot be read
     * @throws IllegalArgumentException when an image or the memory size is not usable
     */
    public static PcMachineVm create(MachineConfig config) throws IOException {
        return new PcMachineVm(new PcMachine(config));
    }

    /**
     * A machine that resumes from a snapshot file, its RAM mapped privately (copy-on-write) so
     * clones of one snapshot share the pages none of them has written. The restore checks the
     * file's structure and small sections, not its RAM: the caller has checked the whole file
     * ({@link PcMachine#verifySnapshot}, through {@link SnapshotChecks}).
     */
    public static PcMachineVm restore(Path snapshot, MachineConfig config) throws IOException {
        return new PcMachineVm(
                PcMachine.restore(
                        snapshot,
                        config,
                        new RestoreOptions(RestoreOptions.RamMode.MAP_PRIVATE, false)));
    }

    /** The emulator's machine, for host tools that need more than this seam. */
    public PcMachine machine() {
        return machine;
    }

    @Override
    public void saveSnapshot(Path file) {
        try {
            machine.saveSnapshot(file);
        } catch (IOException e) {
            throw new VmProblemException(500, "Snapshot not written", e.getMessage());
        } catch (IllegalStateException e) {
            throw new VmProblemException(409, "VM not running", e.getMessage());
        }
    }

    @Override
    public void saveSnapshot(Path file, Runnable whilePaused) {
        boolean running = machine.state() == MachineState.RUNNING;
        try {
            // The machine stays paused after the write, its disk writes all issued (the IDE
            // controller works on the machine's thread), until whilePaused has copied them.
            machine.saveSnapshot(file, false);
            whilePaused.run();
        } catch (IOException e) {
            throw new VmProblemException(500, "Snapshot not written", e.getMessage());
        } catch (IllegalStateException e) {
            throw new VmProblemException(409, "VM not running", e.getMessage());
        } finally {
            if (running && machine.state() == MachineState.PAUSED) machine.resume();
        }
    }

    /** See {@link PcMachine#exitOnGuestReset}: QEMU's {@code -no-reboot}. */
    public void exitOnGuestReset(boolean exit) {
        machine.exitOnGuestReset(exit);
    }

    @Override
    public void start() {
        machine.start();
    }

    @Override
    public void reset() {
        // The guest starts over and has to announce itself again.
        guestUp = false;
        machine.reset();
    }

    @Override
    public void stop() {
        machine.stop();
    }

    @Override
    public VmState state() {
        return switch (machine.state()) {
            case RUNNING -> VmState.RUNNING;
            case PAUSED -> VmState.PAUSED;
            // CREATED is only seen inside VmSupervisor.create, before start(); it runs nothing.
            case CREATED, STOPPED -> VmState.STOPPED;
        };
    }

    @Override
    public DisplaySurface display() {
        return machine.display();
    }

    @Override
    public KeyboardInput keyboard() {
        return machine.keyboard();
    }

    @Override
    public PointerInput pointer() {
        return machine.pointer();
    }

    @Override
    public InputStream serialFromGuest() {
        return machine.serialFromGuest();
    }

    @Override
    public OutputStream serialToGuest() {
        return machine.serialToGuest();
    }

    @Override
    public long cpuTimeNanos() {
        long thread = machine.threadId();
        return thread < 0 ? -1 : THREADS.getThreadCpuTime(thread);
    }

    @Override
    public void onExit(Consumer<VmExit> listener) {
        machine.addExitListener(
                (reason, error) ->
                        listener.accept(
                                new VmExit(
                                        error == null
                                                ? reason.name()
                                                : reason.name() + ": " + error.getMessage(),
                                        reason != ExitReason.POWER_OFF
                                                && reason != ExitReason.STOPPED_BY_HOST)));
    }
}
