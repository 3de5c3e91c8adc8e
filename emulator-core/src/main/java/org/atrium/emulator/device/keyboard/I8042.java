package org.atrium.emulator.device.keyboard;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * Intel 8042 keyboard controller as programmed by PC/AT firmware (IBM PS/2 Technical Reference,
 * "Keyboard/Auxiliary Device Controller"): a one-byte output buffer fed from the keyboard, status
 * register, command byte (interrupt enables, port disables, set 2 → set 1 translation), self-test
 * and interface tests, read/write of the output port (A20 gate and CPU reset), pulse output port,
 * and writes into the output buffer. Two windows: {@link #dataPort()} and {@link #statusPort()}.
 *
 * <p>The auxiliary port carries a PS/2 mouse: command 0xD4 writes to it, its bytes arrive
 * untranslated with the AUX status bit and IRQ 12. When both devices have data, the keyboard goes
 * first.
 *
 * <p>Left out: password and keyboard-lock features, and the parity/timeout errors of a missing
 * device (both devices are always present).
 */
public final class I8042 implements Snapshottable<I8042State> {
    private static final int STATUS_OBF = 0x01;
    private static final int STATUS_SYS = 0x04;
    private static final int STATUS_COMMAND = 0x08;
    private static final int STATUS_UNLOCKED = 0x10;
    private static final int STATUS_AUX_OBF = 0x20;
    private static final int CTR_KBD_INT = 0x01;
    private static final int CTR_AUX_INT = 0x02;
    private static final int CTR_SYS = 0x04;
    private static final int CTR_KBD_DISABLE = 0x10;
    private static final int CTR_AUX_DISABLE = 0x20;
    private static final int CTR_TRANSLATE = 0x40;
    private static final int OUT_RESET = 0x01;
    private static final int OUT_A20 = 0x02;
    private static final int OUT_KBD_OBF = 0x10;
    private static final int OUT_AUX_OBF = 0x20;

    private final Ps2Device keyboard;
    private final Ps2Device aux;
    private final InterruptLine keyboardIrq;
    private final InterruptLine auxIrq;
    private final ControllerLines lines;

    private int status;
    private int commandByte;
    private int outputPort;
    private int output;
    private boolean outputFromAux;
    private int pendingCommand;
    private boolean breakPrefix;

    public I8042(
            Ps2Device keyboard,
            Ps2Device aux,
            InterruptLine keyboardIrq,
            InterruptLine auxIrq,
            ControllerLines lines) {
        this.keyboard = keyboard;
        this.aux = aux;
        this.keyboardIrq = keyboardIrq;
        this.auxIrq = auxIrq;
        this.lines = lines;
        reset();
    }

    /** Power-on: interrupts enabled, A20 on, output buffer empty. */
    public void reset() {
        status = STATUS_COMMAND | STATUS_UNLOCKED;
        commandByte = CTR_KBD_INT | CTR_AUX_INT;
        outputPort = OUT_RESET | OUT_A20 | 0xCC;
        pendingCommand = 0;
        breakPrefix = false;
        keyboard.reset();
        aux.reset();
        updateIrq();
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "kbc-8042";
    }

    @Override
    public Class<I8042State> stateType() {
        return I8042State.class;
    }

    @Override
    public I8042State snapshot() {
        return new I8042State(
                status,
                commandByte,
                outputPort,
                output,
                outputFromAux,
                pendingCommand,
                breakPrefix);
    }

    /** Loads a snapshot (checked by its record); the interrupt outputs follow from it. */
    @Override
    public void restore(I8042State s) {
        status = s.status();
        commandByte = s.commandByte();
        outputPort = s.outputPort();
        output = s.outputBuffer();
        outputFromAux = s.outputFromAux();
        pendingCommand = s.pendingCommand();
        breakPrefix = s.breakPrefix();
        updateIrq();
    }

    /** The A20 line as the output port drives it. */
    public boolean a20() {
        return (outputPort & OUT_A20) != 0;
    }

    /** Tells the controller that the keyboard or the mouse queued a byte. */
    public void deviceDataReady() {
        pull();
    }

    /** The data register window (one port: 0x60 on a PC). */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return readData();
            }

            @Override
            public void write(int offset, int size, int value) {
                writeData(value & 0xFF);
            }
        };
    }

    /** The status (read) and command (write) register window (one port: 0x64 on a PC). */
    public BusDevice statusPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return status;
            }

            @Override
            public void write(int offset, int size, int value) {
                writeCommand(value & 0xFF);
            }
        };
    }

    private int readData() {
        int value = output;
        if ((status & STATUS_OBF) != 0) {
            status &= ~(STATUS_OBF | STATUS_AUX_OBF);
            updateIrq();
            pull();
        }
        return value;
    }

    /** Puts a byte into the empty output buffer and raises the matching interrupt if enabled. */
    private void fill(int value, boolean aux) {
        output = value & 0xFF;
        outputFromAux = aux;
        status |= STATUS_OBF;
        status = aux ? status | STATUS_AUX_OBF : status & ~STATUS_AUX_OBF;
        updateIrq();
    }

    /**
     * Moves the next device byte into the output buffer, translating keyboard bytes if asked to.
     */
    private void pull() {
        while ((status & STATUS_OBF) == 0
                && (commandByte & CTR_AUX_DISABLE) == 0
                && ((commandByte & CTR_KBD_DISABLE) != 0 || !keyboard.hasData())
                && aux.hasData()) {
            fill(aux.take(), true);
        }
        while ((status & STATUS_OBF) == 0
                && (commandByte & CTR_KBD_DISABLE) == 0
                && keyboard.hasData()) {
            int b = keyboard.take();
            if ((commandByte & CTR_TRANSLATE) == 0) {
                fill(b, false);
            } else if (b == 0xF0) {
                // Set 2's break prefix becomes bit 7 of the next translated byte.
                breakPrefix = true;
            } else {
                int translated = Set2Translation.toSet1(b);
                fill(breakPrefix ? translated | 0x80 : translated, false);
                breakPrefix = false;
            }
        }
    }

    private void updateIrq() {
        boolean full = (status & STATUS_OBF) != 0;
        keyboardIrq.set(full && !outputFromAux && (commandByte & CTR_KBD_INT) != 0);
        auxIrq.set(full && outputFromAux && (commandByte & CTR_AUX_INT) != 0);
        outputPort =
                (outputPort & ~(OUT_KBD_OBF | OUT_AUX_OBF))
                        | (full && !outputFromAux ? OUT_KBD_OBF : 0)
                        | (full && outputFromAux ? OUT_AUX_OBF : 0);
    }

    private void writeCommand(int command) {
        status |= STATUS_COMMAND;
        pendingCommand = 0;
        if (command >= 0x20 && command <= 0x3F) {
            // Read controller RAM; byte 0 is the command byte, the rest reads as zero.
            fill(command == 0x20 ? commandByte : 0, false);
            return;
        }
        if (command >= 0xF0) {
            // Pulse the output port bits whose command bits are 0; bit 0 is the CPU reset.
            if ((command & 0x01) == 0) {
                lines.reset();
            }
            return;
        }
        switch (command) {
            case 0x60, 0xD1, 0xD2, 0xD3, 0xD4 -> pendingCommand = command;
            case 0xA7 -> commandByte |= CTR_AUX_DISABLE;
            case 0xA8 -> {
                commandByte &= ~CTR_AUX_DISABLE;
                pull();
            }
            case 0xA9 -> fill(0x00, false);
            case 0xAA -> {
                status |= STATUS_SYS;
                fill(0x55, false);
            }
            case 0xAB -> fill(0x00, false);
            case 0xAD -> commandByte |= CTR_KBD_DISABLE;
            case 0xAE -> {
                commandByte &= ~CTR_KBD_DISABLE;
                pull();
            }
            case 0xC0 -> fill(0x80, false);
            case 0xD0 -> fill(outputPort, false);
            case 0xDD -> setOutputPort(outputPort & ~OUT_A20);
            case 0xDF -> setOutputPort(outputPort | OUT_A20);
            default -> {
                // Unknown commands are ignored, as the 8042 firmware does.
            }
        }
    }

    private void writeData(int value) {
        status &= ~STATUS_COMMAND;
        int command = pendingCommand;
        pendingCommand = 0;
        switch (command) {
            case 0x60 -> {
                commandByte = value;
                status = (status & ~STATUS_SYS) | ((value & CTR_SYS) != 0 ? STATUS_SYS : 0);
                updateIrq();
                pull();
            }
            case 0xD1 -> setOutputPort(value);
            case 0xD2 -> fill(value, false);
            case 0xD3 -> fill(value, true);
            case 0xD4 -> {
                aux.write(value);
                pull();
            }
            default -> {
                // A byte for the keyboard also re-enables its interface, as the 8042 does.
                commandByte &= ~CTR_KBD_DISABLE;
                keyboard.write(value);
                pull();
            }
        }
    }

    private void setOutputPort(int value) {
        int old = outputPort;
        outputPort = value | OUT_RESET;
        if (((old ^ value) & OUT_A20) != 0) {
            lines.a20((value & OUT_A20) != 0);
        }
        if ((value & OUT_RESET) == 0) {
            lines.reset();
        }
    }
}
