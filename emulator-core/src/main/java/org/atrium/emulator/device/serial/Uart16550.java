package org.atrium.emulator.device.serial;

import java.util.function.IntConsumer;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * National Semiconductor PC16550D UART (datasheet sections 8.1-8.10): RBR/THR and the divisor
 * latch, IER, IIR with FIFO status, FCR (16-byte receive FIFO, trigger levels, clears), LCR, MCR
 * with loopback, LSR, MSR with delta bits, scratch register; eight registers at offsets 0-7. The
 * line is infinitely fast: a byte written to THR reaches the host (or, in loopback, the receiver)
 * at once, so THR is always empty again. On a PC the OUT2 bit of MCR gates the interrupt output,
 * and so it does here.
 *
 * <p>Left out: baud-rate timing, parity/framing errors and break (the host sends clean bytes), and
 * the character-timeout timer: data below the trigger level is reported at once as a timeout (IIR
 * 0x0C) instead of after four character times.
 */
public final class Uart16550 implements BusDevice, Snapshottable<Uart16550State> {
    private static final int FIFO_SIZE = 16;
    private static final int IER_RDA = 0x01;
    private static final int IER_THRE = 0x02;
    private static final int IER_RLS = 0x04;
    private static final int IER_MS = 0x08;
    private static final int LCR_DLAB = 0x80;
    private static final int MCR_OUT2 = 0x08;
    private static final int MCR_LOOP = 0x10;
    private static final int LSR_DR = 0x01;
    private static final int LSR_OE = 0x02;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;
    private static final int[] TRIGGER = {1, 4, 8, 14};

    private final InterruptLine irq;
    private final IntConsumer transmit;
    private final int[] rx = new int[FIFO_SIZE];
    private int rxHead;
    private int rxCount;
    private int divisor;
    private int ier;
    private int lcr;
    private int mcr;
    private int lsrErrors;
    private int msr;
    private int scratch;
    private boolean fifoEnabled;
    private int trigger;
    private boolean threPending;

    /**
     * @param irq the interrupt wire (gated by OUT2)
     * @param transmit receives each byte the guest sends, on the machine's thread
     */
    public Uart16550(InterruptLine irq, IntConsumer transmit) {
        this.irq = irq;
        this.transmit = transmit;
        reset();
    }

    /** Master reset: the register values of the datasheet's table 9. */
    public void reset() {
        rxHead = 0;
        rxCount = 0;
        divisor = 12;
        ier = 0;
        lcr = 0;
        mcr = 0;
        lsrErrors = 0;
        scratch = 0;
        fifoEnabled = false;
        trigger = 1;
        threPending = false;
        msr = modemInputs();
        update();
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "uart-16550a";
    }

    @Override
    public Class<Uart16550State> stateType() {
        return Uart16550State.class;
    }

    @Override
    public Uart16550State snapshot() {
        byte[] fifo = new byte[rxCount];
        for (int i = 0; i < rxCount; i++) {
            fifo[i] = (byte) rx[(rxHead + i) % FIFO_SIZE];
        }
        return new Uart16550State(
                fifo,
                divisor,
                ier,
                lcr,
                mcr,
                lsrErrors,
                msr,
                scratch,
                fifoEnabled,
                trigger,
                threPending);
    }

    /** Loads a snapshot (checked by its record). */
    @Override
    public void restore(Uart16550State s) {
        byte[] fifo = s.receiveFifo();
        rxHead = 0;
        rxCount = fifo.length;
        for (int i = 0; i < fifo.length; i++) {
            rx[i] = fifo[i] & 0xFF;
        }
        divisor = s.divisor();
        ier = s.ier() & 0x0F;
        lcr = s.lcr();
        mcr = s.mcr() & 0x1F;
        lsrErrors = s.lineStatusErrors() & LSR_OE;
        msr = s.modemStatus();
        scratch = s.scratch();
        fifoEnabled = s.fifoEnabled();
        trigger = s.fifoTrigger();
        threPending = s.transmitterEmptyPending();
        update();
    }

    /**
     * Offers a byte from the host to the receiver.
     *
     * @return false when the receive buffer is full (the host should keep the byte and retry)
     */
    public boolean receive(int value) {
        if ((mcr & MCR_LOOP) != 0 || rxCount >= capacity()) {
            return false;
        }
        push(value);
        return true;
    }

    private int capacity() {
        return fifoEnabled ? FIFO_SIZE : 1;
    }

    private void push(int value) {
        if (rxCount >= capacity()) {
            lsrErrors |= LSR_OE;
        } else {
            rx[(rxHead + rxCount) % FIFO_SIZE] = value & 0xFF;
            rxCount++;
        }
        update();
    }

    @Override
    public int read(int offset, int size) {
        switch (offset & 7) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    return divisor & 0xFF;
                }
                if (rxCount == 0) {
                    return 0;
                }
                int value = rx[rxHead];
                rxHead = (rxHead + 1) % FIFO_SIZE;
                rxCount--;
                update();
                return value;
            }
            case 1 -> {
                return (lcr & LCR_DLAB) != 0 ? (divisor >> 8) & 0xFF : ier;
            }
            case 2 -> {
                int iir = interruptId();
                // Reading IIR while it reports THRE clears that interrupt (datasheet table 4).
                if (iir == 0x02) {
                    threPending = false;
                    update();
                }
                return iir | (fifoEnabled ? 0xC0 : 0);
            }
            case 3 -> {
                return lcr;
            }
            case 4 -> {
                return mcr;
            }
            case 5 -> {
                int lsr = lsrErrors | LSR_THRE | LSR_TEMT | (rxCount > 0 ? LSR_DR : 0);
                lsrErrors = 0;
                update();
                return lsr;
            }
            case 6 -> {
                int value = msr;
                msr &= 0xF0;
                update();
                return value;
            }
            default -> {
                return scratch;
            }
        }
    }

    @Override
    public void write(int offset, int size, int value) {
        value &= 0xFF;
        switch (offset & 7) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0xFF00) | value;
                } else {
                    if ((mcr & MCR_LOOP) != 0) {
                        push(value);
                    } else {
                        transmit.accept(value);
                    }
                    threPending = true;
                }
            }
            case 1 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0xFF) | (value << 8);
                } else {
                    // Enabling the THRE interrupt while THR is empty raises it at once.
                    if ((value & IER_THRE) != 0 && (ier & IER_THRE) == 0) {
                        threPending = true;
                    }
                    ier = value & 0x0F;
                }
            }
            case 2 -> writeFifoControl(value);
            case 3 -> lcr = value;
            case 4 -> {
                mcr = value & 0x1F;
                updateModemStatus();
            }
            case 5, 6 -> {
                // LSR and MSR are read-only on the 16550 (writes are for factory test).
            }
            default -> scratch = value;
        }
        update();
    }

    private void writeFifoControl(int value) {
        boolean enable = (value & 0x01) != 0;
        if (enable != fifoEnabled || (value & 0x02) != 0) {
            rxHead = 0;
            rxCount = 0;
        }
        fifoEnabled = enable;
        trigger = TRIGGER[(value >> 6) & 3];
    }

    /** MSR bits 4-7 (CTS, DSR, RI, DCD): looped back from MCR, or a connected host. */
    private int modemInputs() {
        if ((mcr & MCR_LOOP) != 0) {
            return ((mcr & 0x02) << 3)
                    | ((mcr & 0x01) << 5)
                    | ((mcr & 0x04) << 4)
                    | ((mcr & 0x08) << 4);
        }
        return 0xB0;
    }

    private void updateModemStatus() {
        int old = msr & 0xF0;
        int now = modemInputs();
        int delta = msr & 0x0F;
        int changed = old ^ now;
        delta |= (changed & 0x10) != 0 ? 0x01 : 0;
        delta |= (changed & 0x20) != 0 ? 0x02 : 0;
        // Trailing edge of RI only.
        delta |= (old & 0x40) != 0 && (now & 0x40) == 0 ? 0x04 : 0;
        delta |= (changed & 0x80) != 0 ? 0x08 : 0;
        msr = now | delta;
    }

    /** IIR bits 0-3: the highest-priority pending interrupt, or 0x01 for none. */
    private int interruptId() {
        if ((ier & IER_RLS) != 0 && (lsrErrors & LSR_OE) != 0) {
            return 0x06;
        }
        if ((ier & IER_RDA) != 0 && rxCount > 0) {
            return fifoEnabled && rxCount < trigger ? 0x0C : 0x04;
        }
        if ((ier & IER_THRE) != 0 && threPending) {
            return 0x02;
        }
        if ((ier & IER_MS) != 0 && (msr & 0x0F) != 0) {
            return 0x00;
        }
        return 0x01;
    }

    private void update() {
        irq.set(interruptId() != 0x01 && (mcr & MCR_OUT2) != 0);
    }
}
