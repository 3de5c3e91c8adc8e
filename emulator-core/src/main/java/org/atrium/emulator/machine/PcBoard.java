package org.atrium.emulator.machine;

import java.io.IOException;
import java.nio.file.Files;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.cpu.InterruptSource;
import org.atrium.emulator.device.AbsentDevice;
import org.atrium.emulator.device.debugcon.DebugConsole;
import org.atrium.emulator.device.pic.CascadedPics;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.memory.MemoryMap;
import org.atrium.emulator.time.VirtualTime;

/**
 * The PC board: the one place that knows where each chip sits (I/O ports, memory addresses, IRQ
 * lines) and wires chips to each other through interfaces. Modelled on QEMU's "pc" (i440FX + PIIX3)
 * machine as SeaBIOS expects it. Everything runs on the machine's thread.
 */
final class PcBoard implements AutoCloseable {
    private static final long MIB = 1 << 20;

    private final MemoryMap memory;
    private final IoPortMap ports = new IoPortMap();
    private final CascadedPics pics = new CascadedPics(2);
    private final DisplaySurface display = new BlankDisplay();

    PcBoard(MachineConfig config, VirtualTime time, long rtcEpochMillis, BoardEvents events)
            throws IOException {
        byte[] bios = Files.readAllBytes(config.bios());
        memory = new MemoryMap(config.memoryMiB() * MIB, bios);

        ports.map(0x20, 2, pics.masterPorts());
        ports.map(0xA0, 2, pics.slavePorts());
        ports.map(0x4D0, 2, pics.elcrPorts());
        ports.map(0x402, 1, new DebugConsole(events::debugConsole));

        AbsentDevice absent = new AbsentDevice();
        ports.map(0x00, 0x10, absent); // 8237 DMA controller 1
        ports.map(0x80, 0x10, absent); // POST code and DMA page registers
        ports.map(0xC0, 0x20, absent); // 8237 DMA controller 2
    }

    PhysicalMemory memory() {
        return memory;
    }

    IoPorts ports() {
        return ports;
    }

    InterruptSource interrupts() {
        return pics;
    }

    DisplaySurface display() {
        return display;
    }

    KeyboardInput keyboard() {
        return (code, pressed) -> {};
    }

    /** Offers a byte from the host to COM1; false when its receiver has no room. */
    boolean serialReceive(int value) {
        return false;
    }

    void refreshDisplay(long virtualNanos) {}

    /** The reset line: every chip back to its power-on state; RAM keeps its contents. */
    void reset() {
        pics.reset();
        memory.setA20(true);
    }

    @Override
    public void close() {
        memory.close();
    }
}
