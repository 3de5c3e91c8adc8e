package org.atrium.emulator.device.serial;

/**
 * A 16550A's registers and receive FIFO.
 *
 * @param receiveFifo received bytes not yet read, oldest first (at most 16; at most 1 without
 *     FIFOs)
 * @param lineStatusErrors the LSR error bits (overrun) not yet read
 * @param modemStatus the MSR, delta bits included
 * @param fifoTrigger the receive trigger level: 1, 4, 8 or 14
 * @param transmitterEmptyPending whether a THR-empty interrupt is pending
 */
public record Uart16550State(
        byte[] receiveFifo,
        int divisor,
        int ier,
        int lcr,
        int mcr,
        int lineStatusErrors,
        int modemStatus,
        int scratch,
        boolean fifoEnabled,
        int fifoTrigger,
        boolean transmitterEmptyPending) {
    public Uart16550State {
        if (receiveFifo == null || receiveFifo.length > (fifoEnabled ? 16 : 1)) {
            throw new IllegalArgumentException("16550 receive FIFO holds at most 16 bytes");
        }
        if ((divisor & ~0xFFFF) != 0
                || ((ier | lcr | mcr | lineStatusErrors | modemStatus | scratch) & ~0xFF) != 0) {
            throw new IllegalArgumentException("16550 register out of range");
        }
        if (fifoTrigger != 1 && fifoTrigger != 4 && fifoTrigger != 8 && fifoTrigger != 14) {
            throw new IllegalArgumentException("16550 trigger level must be 1, 4, 8 or 14");
        }
        receiveFifo = receiveFifo.clone();
    }

    @Override
    public byte[] receiveFifo() {
        return receiveFifo.clone();
    }
}
