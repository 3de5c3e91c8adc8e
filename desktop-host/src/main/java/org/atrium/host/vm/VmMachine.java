package org.atrium.host.vm;

import java.io.InputStream;
import java.io.OutputStream;
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

    /** Told once when the machine ends (stopped, triple fault, emulator error). */
    void onExit(Consumer<VmExit> listener);
}
