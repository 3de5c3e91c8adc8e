package org.atrium.emulator.cpu.conformance;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.cpu.Cpu;
import org.atrium.emulator.cpu.CpuState;
import org.atrium.emulator.cpu.InterruptSource;
import org.atrium.emulator.cpu.SegmentState;

/**
 * Runs a case on the emulator the way the native runner runs it: flat 32-bit protected mode at CPL
 * 3 with IOPL 0, like a Linux process. A GDT, a TSS and an IDT on a system page send every
 * exception to a ring-0 handler that is a HLT, so the vector is where the CPU halted and the
 * faulting state is the interrupt frame. The case's code is followed by a HLT, which at CPL 3
 * raises #GP at the end of the code: that is how a case that runs to its end is recognised.
 */
final class EmulatedCpu implements PhysicalMemory, IoPorts, InterruptSource {
    private static final int SYS = 0x20030000;
    private static final int SYS_SIZE = 0x2000;
    private static final int TSS = SYS + 0x100;
    private static final int IDT = SYS + 0x200;
    private static final int HANDLERS = SYS + 0x400;
    private static final int RING0_STACK = SYS + SYS_SIZE;
    private static final int STEP_BUDGET = 100_000;
    static final int USER_CODE = 0x23, USER_DATA = 0x2B;

    // The three pages live in one array, handed to the CPU as its direct memory so that cases run
    // through the CPU's fast path for plain RAM as a guest's code does.
    private static final int CODE_AT = 0, MEM_AT = 0x1000, SYS_AT = 0x2000;
    private final byte[] backing = new byte[SYS_AT + SYS_SIZE];
    private final MemorySegment direct = MemorySegment.ofArray(backing);
    private final byte[] sysTemplate = systemPage();
    private final Cpu cpu = new Cpu(this, this, this, () -> 0L);
    private final CpuState start = startState();

    /** An access outside the three pages: the native runner would take a page fault there. */
    private static final class Unmapped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int address;

        Unmapped(int address) {
            super("unmapped " + Integer.toHexString(address), null, false, false);
            this.address = address;
        }
    }

    Outcome run(TestCase c) {
        Arrays.fill(backing, CODE_AT, CODE_AT + 0x1000, (byte) 0);
        System.arraycopy(c.code(), 0, backing, CODE_AT, c.code().length);
        backing[CODE_AT + c.code().length] = (byte) 0xF4;
        System.arraycopy(c.memory(), 0, backing, MEM_AT, Layout.MEM_SIZE);
        System.arraycopy(sysTemplate, 0, backing, SYS_AT, SYS_SIZE);
        List<Integer> regs = new ArrayList<>();
        for (int r : c.registers()) {
            regs.add(r);
        }
        cpu.restore(
                new CpuState(
                        regs,
                        Layout.CODE,
                        (c.eflags() & ~0x3000) | 0x202,
                        start.segments(),
                        start.ldtr(),
                        start.tr(),
                        start.gdtBase(),
                        start.gdtLimit(),
                        start.idtBase(),
                        start.idtLimit(),
                        start.cr0(),
                        0,
                        0,
                        0,
                        start.debugRegisters(),
                        3,
                        0,
                        0,
                        0,
                        0,
                        0x37F,
                        0,
                        0xFFFF,
                        false,
                        false,
                        false,
                        false,
                        false));
        int budget = STEP_BUDGET;
        while (budget > 0 && !cpu.halted() && cpu.failure() == null && !cpu.shutdownRequested()) {
            budget -= Math.max(1, cpu.run(Math.min(budget, 10_000)));
        }
        if (cpu.failure() != null) {
            if (cpu.failure().cause() instanceof Unmapped u) {
                return new Outcome(14, u.address, new int[8], -1, 0, 0, memory());
            }
            throw new AssertionError(
                    "emulator error in " + c.describe() + ": " + cpu.failure().message(),
                    cpu.failure().cause());
        }
        if (!cpu.halted()) {
            throw new AssertionError("emulator did not finish " + c.describe());
        }
        int vector = cpu.eip() - HANDLERS - 1;
        if (vector < 0 || vector >= 32) {
            throw new AssertionError(
                    "emulator halted outside the handlers at "
                            + Integer.toHexString(cpu.eip())
                            + " in "
                            + c.describe());
        }
        int frame = cpu.esp();
        if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17) {
            frame += 4;
        }
        int eip = read32(frame);
        int eflags = read32(frame + 8);
        int[] out = new int[8];
        for (int r = 0; r < 8; r++) {
            out[r] = cpu.register(r);
        }
        out[Cpu.ESP] = read32(frame + 12);
        int offset = eip - Layout.CODE;
        if (vector == 13 && offset == c.code().length) {
            vector = -1; // the HLT after the code
        }
        int segments = cpu.segmentSelector(Cpu.DS) | cpu.segmentSelector(Cpu.ES) << 16;
        return new Outcome(vector, 0, out, offset, eflags, segments, memory());
    }

    private static CpuState startState() {
        int code3 = 0x00C0FB00, data3 = 0x00C0F300;
        List<SegmentState> segs = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            segs.add(
                    s == Cpu.CS
                            ? new SegmentState(USER_CODE, 0, -1, code3)
                            : new SegmentState(USER_DATA, 0, -1, data3));
        }
        List<Integer> zeros = List.of(0, 0, 0, 0, 0, 0, 0, 0);
        // CR0: PE and ET. AM stays clear: the generator never sets AC before an unaligned access.
        return new CpuState(
                zeros,
                0,
                0x202,
                segs,
                new SegmentState(0, 0, 0, 0x8200), // no LDT, as in a Linux process
                new SegmentState(0x40, TSS, 0x67, 0x8B00),
                SYS,
                0x7F,
                IDT,
                32 * 8 - 1,
                0x11,
                0,
                0,
                0,
                zeros,
                3,
                0,
                0,
                0,
                0,
                0x37F,
                0,
                0xFFFF,
                false,
                false,
                false,
                false,
                false);
    }

    /**
     * The GDT has Linux's layout for a 32-bit process on a 64-bit kernel, so selectors read and
     * loaded by cases mean the same on both CPUs: 0x08 and 0x10 ring-0 code, 0x18 ring-0 data, 0x23
     * user code, 0x2B user data, 0x33 user code (64-bit on Linux), 0x40 the TSS; 16 entries. Then
     * the TSS, the IDT and the HLT handlers.
     */
    private static byte[] systemPage() {
        byte[] p = new byte[SYS_SIZE];
        long[] gdt = {
            0,
            0x00CF9A000000FFFFL,
            0x00CF9A000000FFFFL,
            0x00CF92000000FFFFL,
            0x00CFFA000000FFFFL,
            0x00CFF2000000FFFFL,
            0x00AFFA000000FFFFL,
            0,
            tssDescriptor()
        };
        for (int i = 0; i < gdt.length; i++) {
            put32(p, i * 8, (int) gdt[i]);
            put32(p, i * 8 + 4, (int) (gdt[i] >>> 32));
        }
        put32(p, TSS - SYS + 4, RING0_STACK);
        put32(p, TSS - SYS + 8, 0x18);
        // I/O map base past the TSS limit: no I/O bitmap, so ring 3 may touch no port (a process
        // without ioperm). A base of 0 would read the TSS itself as a bitmap and allow ports.
        put32(p, TSS - SYS + 0x64, 0x68 << 16);
        for (int v = 0; v < 32; v++) {
            int handler = HANDLERS + v;
            // Linux lets user code raise #BP (INT3) and #OF (INTO): their gates have DPL 3.
            int dpl = v == 3 || v == 4 ? 3 : 0;
            put32(p, IDT - SYS + v * 8, (0x08 << 16) | (handler & 0xFFFF));
            put32(p, IDT - SYS + v * 8 + 4, (handler & 0xFFFF0000) | 0x8E00 | (dpl << 13));
            p[HANDLERS - SYS + v] = (byte) 0xF4;
        }
        return p;
    }

    private static long tssDescriptor() {
        long base = TSS & 0xFFFFFFFFL;
        long lo = ((base & 0xFFFF) << 16) | 0x67;
        long hi = ((base >>> 16) & 0xFF) | 0x8900 | (base & 0xFF000000L);
        return (hi << 32) | lo;
    }

    private static void put32(byte[] p, int at, int v) {
        p[at] = (byte) v;
        p[at + 1] = (byte) (v >>> 8);
        p[at + 2] = (byte) (v >>> 16);
        p[at + 3] = (byte) (v >>> 24);
    }

    private byte[] memory() {
        return Arrays.copyOfRange(backing, MEM_AT, MEM_AT + Layout.MEM_SIZE);
    }

    /** Where {@code address} is in the backing array, or -1 outside the three pages. */
    private int offset(int address) {
        if ((address & ~0xFFF) == Layout.CODE) {
            return CODE_AT + (address & 0xFFF);
        }
        if ((address & ~0xFFF) == Layout.MEM) {
            return MEM_AT + (address & 0xFFF);
        }
        if (address - SYS >= 0 && address - SYS < SYS_SIZE) {
            return SYS_AT + address - SYS;
        }
        return -1;
    }

    private int index(int address) {
        int at = offset(address);
        if (at < 0) {
            throw new Unmapped(address);
        }
        return at;
    }

    @Override
    public MemorySegment directMemory() {
        return direct;
    }

    @Override
    public long directPage(int address) {
        int at = offset(address & ~0xFFF);
        return at < 0 ? -1 : at;
    }

    @Override
    public int read8(int address) {
        return backing[index(address)] & 0xFF;
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
        backing[index(address)] = (byte) value;
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

    @Override
    public int in(int port, int size) {
        throw new IllegalStateException("IN reached a port at CPL 3 with IOPL 0");
    }

    @Override
    public void out(int port, int size, int value) {
        throw new IllegalStateException("OUT reached a port at CPL 3 with IOPL 0");
    }

    @Override
    public boolean pending() {
        return false;
    }

    @Override
    public int acknowledge() {
        return 0xFF;
    }
}
