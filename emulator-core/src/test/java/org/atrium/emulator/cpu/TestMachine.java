package org.atrium.emulator.cpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.atrium.emulator.bus.CodeWatch;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;

/**
 * A flat test board for the CPU: 2 MiB of RAM (the top 1 MiB of the 4 GiB space aliases the top of
 * the first MiB, as a PC's BIOS ROM does), ports that record writes and answer reads from a map,
 * and an interrupt line fed from a queue of vectors.
 */
final class TestMachine implements PhysicalMemory, IoPorts, InterruptSource {
    static final int RAM_SIZE = 2 << 20;

    final byte[] ram = new byte[RAM_SIZE];
    final List<int[]> outs = new ArrayList<>();
    final Map<Integer, Integer> inValues = new HashMap<>();
    final ArrayDeque<Integer> vectors = new ArrayDeque<>();
    long tsc;
    final Cpu cpu;

    // Told of every write into RAM, as a real board's memory is; null: writes are not tracked.
    private final CodeWatch watch;

    TestMachine() {
        this(true);
    }

    /** A board whose CPU runs from decoded blocks or decodes every instruction each time. */
    TestMachine(boolean decodedBlocks) {
        this(decodedBlocks, true);
    }

    /**
     * A board whose CPU runs from decoded blocks or not, with RAM whose writes are tracked ({@link
     * CodeWatch}) or not: then the CPU compares each cached block with RAM before it runs it.
     */
    TestMachine(boolean decodedBlocks, boolean trackWrites) {
        watch = trackWrites ? new CodeWatch(RAM_SIZE) : null;
        cpu = new Cpu(this, this, this, () -> tsc, decodedBlocks);
    }

    /** Parses space-separated hex bytes; {@code xx*N} stands for N copies of byte xx. */
    static byte[] hex(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String part : text.trim().split("\\s+")) {
            int star = part.indexOf('*');
            int count = star < 0 ? 1 : Integer.parseInt(part.substring(star + 1));
            int value = Integer.parseInt(star < 0 ? part : part.substring(0, star), 16);
            for (int i = 0; i < count; i++) {
                out.write(value);
            }
        }
        return out.toByteArray();
    }

    /** Writes into RAM past the CPU, as a device's DMA does. */
    void load(int address, byte[] bytes) {
        System.arraycopy(bytes, 0, ram, address, bytes.length);
        if (watch != null && bytes.length > 0) {
            watch.stored(address, bytes.length);
        }
    }

    /** Loads code at segment:0 in real mode and points CS:IP at it. */
    void startReal(int segment, String code) {
        load(segment << 4, hex(code));
        cpu.setSegmentReal(Cpu.CS, segment);
        cpu.setEip(0);
        cpu.setSegmentReal(Cpu.SS, 0);
        cpu.setEsp(0x7000);
    }

    /** Loads code at linear {@code offset} and starts it in real mode at 0000:offset. */
    void startRealAt(int offset, String code) {
        load(offset, hex(code));
        cpu.setSegmentReal(Cpu.CS, 0);
        cpu.setEip(offset);
        cpu.setSegmentReal(Cpu.SS, 0);
        cpu.setEsp(0x7000);
    }

    /**
     * Loads code at linear 0x1000 and starts it with flat 32-bit CS/DS/ES/SS caches (PE stays 0).
     */
    void startFlat32(String code) {
        load(0x1000, hex(code));
        cpu.reset();
        for (int seg = 0; seg < 6; seg++) {
            cpu.setSegment(seg, 0, 0, -1, true);
        }
        cpu.setEip(0x1000);
        cpu.setEsp(0x8000);
    }

    /** Runs until HLT (or the step budget runs out) and fails loudly on emulator errors. */
    void runToHalt() {
        int budget = 1_000_000;
        do {
            budget -= Math.max(1, cpu.run(Math.min(budget, 10_000)));
            if (cpu.failure() != null) {
                throw new AssertionError(cpu.failure().message(), cpu.failure().cause());
            }
        } while (budget > 0 && !cpu.halted() && !cpu.shutdownRequested());
    }

    private int index(int address) {
        if (Integer.compareUnsigned(address, 0xFFF00000) >= 0) {
            return address & 0xFFFFF;
        }
        if (Integer.compareUnsigned(address, RAM_SIZE) >= 0) {
            return -1;
        }
        return address;
    }

    // The CPU reads and writes RAM pages (and the ROM alias, writable here) through its fast path.
    @Override
    public MemorySegment directMemory() {
        return MemorySegment.ofArray(ram);
    }

    @Override
    public CodeWatch codeWatch() {
        return watch;
    }

    @Override
    public long directPage(int address) {
        return index(address & ~0xFFF);
    }

    @Override
    public int read8(int address) {
        int i = index(address);
        return i < 0 ? 0xFF : ram[i] & 0xFF;
    }

    @Override
    public int read16(int address) {
        return read8(address) | (read8(address + 1) << 8);
    }

    @Override
    public int read32(int address) {
        return read16(address) | (read16(address + 2) << 16);
    }

    @Override
    public void write8(int address, int value) {
        int i = index(address);
        if (i >= 0) {
            ram[i] = (byte) value;
            if (watch != null) {
                watch.stored(i);
            }
        }
    }

    @Override
    public void write16(int address, int value) {
        write8(address, value);
        write8(address + 1, value >>> 8);
    }

    @Override
    public void write32(int address, int value) {
        write16(address, value);
        write16(address + 2, value >>> 16);
    }

    int peek16(int address) {
        return read16(address);
    }

    @Override
    public int in(int port, int size) {
        return inValues.getOrDefault(port, size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1);
    }

    @Override
    public void out(int port, int size, int value) {
        outs.add(new int[] {port, size, value});
    }

    @Override
    public boolean pending() {
        return !vectors.isEmpty();
    }

    @Override
    public int acknowledge() {
        return vectors.isEmpty() ? 0xFF : vectors.poll();
    }
}
