package org.atrium.emulator.device.pic;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.cpu.InterruptSource;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * The PC/AT pair of 8259A controllers: a slave whose INT output drives one input of the master,
 * plus the PIIX edge/level control registers (ELCR1/ELCR2). It is the CPU's {@link
 * InterruptSource}: the acknowledge cycle asks the master, and when the master picks the cascade
 * input the slave supplies the vector, as the CAS lines do. A request that vanished before the
 * acknowledge yields the spurious vector of input 7.
 */
public final class CascadedPics implements InterruptSource, Snapshottable<CascadedPicsState> {
    private final int cascadeInput;
    private final I8259 master;
    private final I8259 slave;
    private long acknowledges;

    /**
     * @param cascadeInput the master input the slave's INT output is wired to
     */
    public CascadedPics(int cascadeInput) {
        this.cascadeInput = cascadeInput;
        // Inputs 0-2 of the master and 0 and 5 of the slave are edge-only on PIIX (timer, keyboard,
        // cascade, RTC, FPU error).
        this.master = new I8259(true, 0xF8, () -> {});
        this.slave = new I8259(false, 0xDE, this::slaveOutputChanged);
        reset();
    }

    private void slaveOutputChanged() {
        master.setInput(cascadeInput, slave != null && slave.pendingInput() >= 0);
    }

    public void reset() {
        slave.reset();
        master.reset();
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "pic-8259-pair";
    }

    @Override
    public Class<CascadedPicsState> stateType() {
        return CascadedPicsState.class;
    }

    @Override
    public CascadedPicsState snapshot() {
        return new CascadedPicsState(master.snapshot(), slave.snapshot());
    }

    /** Loads a snapshot (checked by its records); the cascade input follows the slave's output. */
    @Override
    public void restore(CascadedPicsState state) {
        master.restore(state.master());
        slave.restore(state.slave());
    }

    /** The register window of the master (two ports). */
    public BusDevice masterPorts() {
        return master;
    }

    /** The register window of the slave (two ports). */
    public BusDevice slavePorts() {
        return slave;
    }

    /** ELCR1 (offset 0, master inputs) and ELCR2 (offset 1, slave inputs). */
    public BusDevice elcrPorts() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return (offset & 1) == 0 ? master.elcr() : slave.elcr();
            }

            @Override
            public void write(int offset, int size, int value) {
                if ((offset & 1) == 0) {
                    master.setElcr(value);
                    if (size == 2) {
                        slave.setElcr(value >> 8);
                    }
                } else {
                    slave.setElcr(value);
                }
            }
        };
    }

    /** The wire of interrupt request {@code irq}: 0-7 on the master, 8-15 on the slave. */
    public InterruptLine line(int irq) {
        if (irq < 0 || irq > 15) {
            throw new IllegalArgumentException("IRQ out of 0-15: " + irq);
        }
        I8259 chip = irq < 8 ? master : slave;
        int input = irq & 7;
        return new InterruptLine() {
            @Override
            public void raise() {
                chip.setInput(input, true);
            }

            @Override
            public void lower() {
                chip.setInput(input, false);
            }
        };
    }

    @Override
    public boolean pending() {
        return master.pendingInput() >= 0;
    }

    /** Acknowledge cycles so far: the interrupts the CPU took from the pair. */
    public long acknowledges() {
        return acknowledges;
    }

    @Override
    public int acknowledge() {
        acknowledges++;
        int irq = master.pendingInput();
        if (irq < 0) {
            return master.vector(7);
        }
        int vector;
        if (irq == cascadeInput) {
            int slaveIrq = slave.pendingInput();
            if (slaveIrq >= 0) {
                slave.acknowledge(slaveIrq);
                vector = slave.vector(slaveIrq);
            } else {
                vector = slave.vector(7);
            }
        } else {
            vector = master.vector(irq);
        }
        master.acknowledge(irq);
        return vector;
    }
}
