package org.atrium.emulator.cpu;

/**
 * What the CPU sees of its interrupt controller: the INTR pin and the acknowledge cycle. On a PC
 * this is the master i8259, which returns the vector of the highest-priority pending request.
 */
public interface InterruptSource {
    /**
     * Whether the INTR line is asserted. The CPU asks at the start of each {@code run} call and
     * again only after it accessed a port or a non-RAM address, or acknowledged an interrupt: the
     * line may change only then, or between run calls (timers).
     */
    boolean pending();

    /** Runs the interrupt acknowledge cycle and returns the vector (0-255) to dispatch. */
    int acknowledge();
}
