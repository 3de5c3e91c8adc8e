package org.atrium.host.vm;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;

/**
 * What the supervisor needs of a running machine: the life-cycle calls and the host-side screen and
 * input of {@code org.atrium.emulator.machine.PcMachine}, behind one small seam so the supervisor
 * is independent of how machines are built.
 */
public interface VmMachine {
    void start();

    void reset();

    /** Ends the machine for good; idempotent. */
    void stop();

    VmState state();

    DisplaySurface display();

    KeyboardInput keyboard();

    PointerInput pointer();

    /** Bytes the guest sends on its first serial port. */
    InputStream serialFromGuest();

    /** Bytes typed into the guest's first serial port. */
    OutputStream serialToGuest();

    /**
     * Whether the guest is up: for a machine whose guest announces itself (the host's own Linux
     * guest, see {@link PcMachineVm#watchGuest}), once it has since the last start or reset; for
     * others, whenever the machine runs, as nothing more can be known of them.
     */
    default boolean guestReady() {
        return state() == VmState.RUNNING;
    }

    /** Told once when the machine ends (stopped, triple fault, emulator error). */
    void onExit(Consumer<VmExit> listener);

    /** CPU time the machine's thread has used, in nanoseconds; -1 when not known. */
    default long cpuTimeNanos() {
        return -1;
    }

    /**
     * Writes the machine's complete state (RAM and devices) to {@code file}; the machine runs on
     * afterwards.
     *
     * @throws VmProblemException when this machine cannot be snapshotted
     */
    default void saveSnapshot(Path file) {
        throw new VmProblemException(
                501, "Snapshots not supported", "this VM's machine cannot be snapshotted");
    }

    /**
     * Writes the machine's state to {@code file} and runs {@code whilePaused} before the guest runs
     * on, so what it copies of the VM's disks matches the RAM in {@code file}. This default suits
     * only machines that write no disks (it runs {@code whilePaused} after {@link
     * #saveSnapshot(Path)}); {@link PcMachineVm} pauses around both.
     */
    default void saveSnapshot(Path file, Runnable whilePaused) {
        saveSnapshot(file);
        whilePaused.run();
    }
}
