package org.atrium.emulator.device.pic;

import org.atrium.emulator.bus.BusDevice;

/**
 * One Intel 8259A programmable interrupt controller (datasheet 231468: ICW1-ICW4, OCW1-OCW3, fully
 * nested and rotating priority, specific/non-specific EOI, automatic EOI, special mask mode, poll
 * command, IRR/ISR read) with the edge/level selection of the PIIX ELCR register. Registers: offset
 * 0 (ICW1, OCW2, OCW3; reads IRR/ISR), offset 1 (ICW2-4, OCW1 mask). Left out: 8080 call mode (ICW1
 * bit 2 address interval), buffered mode (ICW4 bits 2-3, no effect on a PC), and ICW1's
 * level-triggered bit (the ELCR decides instead, as on PIIX).
 */
public final class I8259 implements BusDevice {
    private final boolean master;
    private final int elcrMask;
    private int icw3;
    private final Runnable outputChanged;

    private int lastLevels;
    private int irr;
    private int imr;
    private int isr;
    private int priorityAdd;
    private int vectorBase;
    private boolean readIsr;
    private boolean poll;
    private boolean specialMask;
    private int initState;
    private boolean needIcw4;
    private boolean single;
    private boolean autoEoi;
    private boolean rotateOnAutoEoi;
    private boolean specialFullyNested;
    private int elcr;

    /**
     * @param master whether this is the master of a cascade (ICW3 then names slave inputs)
     * @param elcrMask the inputs whose trigger mode the ELCR may set to level
     * @param outputChanged told whenever the INT output may have changed
     */
    public I8259(boolean master, int elcrMask, Runnable outputChanged) {
        this.master = master;
        this.elcrMask = elcrMask;
        this.outputChanged = outputChanged;
    }

    /** Power-on state: as after ICW1, and edge-triggered on every input. */
    public void reset() {
        initialize();
        lastLevels = 0;
        elcr = 0;
        irr = 0;
        outputChanged.run();
    }

    /**
     * ICW1's reset. The edge-sense latches are reset too: an input already high must go low and
     * high again to request (datasheet, "Initialization Command Word 1"), so {@code lastLevels}
     * keeps the current input levels.
     */
    private void initialize() {
        irr &= elcr;
        imr = 0;
        isr = 0;
        priorityAdd = 0;
        vectorBase = 0;
        readIsr = false;
        poll = false;
        specialMask = false;
        initState = 0;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialFullyNested = false;
        needIcw4 = false;
        single = false;
    }

    /** Drives input {@code irq} (0-7) to {@code level}. */
    public void setInput(int irq, boolean level) {
        int mask = 1 << irq;
        if ((elcr & mask) != 0) {
            irr = level ? irr | mask : irr & ~mask;
        } else if (level && (lastLevels & mask) == 0) {
            irr |= mask;
        }
        lastLevels = level ? lastLevels | mask : lastLevels & ~mask;
        outputChanged.run();
    }

    /** The highest-priority request that may interrupt now, or -1: the state of the INT pin. */
    public int pendingInput() {
        int priority = priority(irr & ~imr);
        if (priority == 8) {
            return -1;
        }
        int inService = isr;
        if (specialMask) {
            inService &= ~imr;
        }
        if (specialFullyNested) {
            inService &= ~lowestSlaveMask();
        }
        return priority < priority(inService) ? (priority + priorityAdd) & 7 : -1;
    }

    /**
     * In special fully nested mode a master lets further requests from a slave through while one is
     * in service; the slave inputs are those a master's ICW3 names.
     */
    private int lowestSlaveMask() {
        return master ? icw3 : 0;
    }

    /** The acknowledge cycle for input {@code irq}: sets ISR (unless AEOI) and clears an edge. */
    public void acknowledge(int irq) {
        int mask = 1 << irq;
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                priorityAdd = (irq + 1) & 7;
            }
        } else {
            isr |= mask;
        }
        if ((elcr & mask) == 0) {
            irr &= ~mask;
        }
        outputChanged.run();
    }

    /** The vector for input {@code irq}, from ICW2. */
    public int vector(int irq) {
        return vectorBase + irq;
    }

    public int elcr() {
        return elcr;
    }

    public void setElcr(int value) {
        elcr = value & elcrMask;
        outputChanged.run();
    }

    private int priority(int mask) {
        if (mask == 0) {
            return 8;
        }
        int p = 0;
        while ((mask & (1 << ((p + priorityAdd) & 7))) == 0) {
            p++;
        }
        return p;
    }

    @Override
    public int read(int offset, int size) {
        if (poll) {
            poll = false;
            int irq = pendingInput();
            if (irq < 0) {
                return 0;
            }
            acknowledge(irq);
            return irq | 0x80;
        }
        if ((offset & 1) == 0) {
            return readIsr ? isr : irr;
        }
        return imr;
    }

    @Override
    public void write(int offset, int size, int value) {
        value &= 0xFF;
        if ((offset & 1) == 0) {
            writeCommand(value);
        } else {
            writeData(value);
        }
        outputChanged.run();
    }

    private void writeCommand(int value) {
        if ((value & 0x10) != 0) {
            // ICW1 starts the initialisation sequence and clears the mask and in-service registers.
            initialize();
            initState = 1;
            needIcw4 = (value & 0x01) != 0;
            single = (value & 0x02) != 0;
        } else if ((value & 0x08) != 0) {
            // OCW3: poll, register select, special mask.
            if ((value & 0x04) != 0) {
                poll = true;
            }
            if ((value & 0x02) != 0) {
                readIsr = (value & 0x01) != 0;
            }
            if ((value & 0x40) != 0) {
                specialMask = (value & 0x20) != 0;
            }
        } else {
            writeOcw2(value);
        }
    }

    private void writeOcw2(int value) {
        int command = value >> 5;
        switch (command) {
            case 0, 4 -> rotateOnAutoEoi = command == 4;
            case 1, 5 -> {
                int priority = priority(isr);
                if (priority != 8) {
                    int irq = (priority + priorityAdd) & 7;
                    isr &= ~(1 << irq);
                    if (command == 5) {
                        priorityAdd = (irq + 1) & 7;
                    }
                }
            }
            case 3 -> isr &= ~(1 << (value & 7));
            case 6 -> priorityAdd = ((value & 7) + 1) & 7;
            case 7 -> {
                int irq = value & 7;
                isr &= ~(1 << irq);
                priorityAdd = (irq + 1) & 7;
            }
            default -> {
                // 2 is "no operation" in the datasheet's OCW2 table.
            }
        }
    }

    private void writeData(int value) {
        switch (initState) {
            case 0 -> imr = value;
            case 1 -> {
                vectorBase = value & 0xF8;
                initState = single ? (needIcw4 ? 3 : 0) : 2;
            }
            case 2 -> {
                icw3 = value;
                initState = needIcw4 ? 3 : 0;
            }
            default -> {
                specialFullyNested = (value & 0x10) != 0;
                autoEoi = (value & 0x02) != 0;
                initState = 0;
            }
        }
    }

    I8259State snapshot() {
        return new I8259State(
                irr,
                isr,
                imr,
                lastLevels,
                (priorityAdd + 7) & 7,
                vectorBase,
                initState,
                needIcw4,
                single,
                icw3,
                autoEoi,
                rotateOnAutoEoi,
                specialFullyNested,
                specialMask,
                readIsr,
                poll,
                elcr);
    }

    /** Loads a state already checked by its record; ELCR bits this chip lacks are dropped. */
    void restore(I8259State s) {
        irr = s.irr();
        isr = s.isr();
        imr = s.imr();
        lastLevels = s.inputLevels();
        priorityAdd = (s.lowestPriority() + 1) & 7;
        vectorBase = s.vectorBase();
        initState = s.initState();
        needIcw4 = s.needIcw4();
        single = s.single();
        icw3 = s.icw3();
        autoEoi = s.autoEoi();
        rotateOnAutoEoi = s.rotateOnAutoEoi();
        specialFullyNested = s.specialFullyNested();
        specialMask = s.specialMask();
        readIsr = s.readIsr();
        poll = s.poll();
        elcr = s.elcr() & elcrMask;
        outputChanged.run();
    }

    /** The interrupt mask register (OCW1). */
    public int mask() {
        return imr;
    }
}
