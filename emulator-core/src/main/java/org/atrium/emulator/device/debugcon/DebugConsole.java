package org.atrium.emulator.device.debugcon;

import java.util.function.IntConsumer;
import org.atrium.emulator.bus.BusDevice;

/**
 * QEMU's ISA debug console ({@code isa-debugcon}): every byte written goes to the host, and a read
 * returns the readback value 0xE9 by which firmware (SeaBIOS) detects that the port is present. One
 * port wide; wider writes send their low byte only, as QEMU does.
 */
public final class DebugConsole implements BusDevice {
    /** The value SeaBIOS expects to read back before it logs to the port. */
    public static final int READBACK = 0xE9;

    private final IntConsumer sink;

    public DebugConsole(IntConsumer sink) {
        this.sink = sink;
    }

    @Override
    public int read(int offset, int size) {
        return READBACK;
    }

    @Override
    public void write(int offset, int size, int value) {
        sink.accept(value & 0xFF);
    }
}
