package org.atrium.emulator.machine;

/**
 * Told once when a {@link PcMachine} stops for good. Called on the machine's thread; {@code error}
 * is the cause for {@link ExitReason#EMULATOR_ERROR}, otherwise {@code null}.
 */
@FunctionalInterface
public interface ExitListener {
    void exited(ExitReason reason, Throwable error);
}
