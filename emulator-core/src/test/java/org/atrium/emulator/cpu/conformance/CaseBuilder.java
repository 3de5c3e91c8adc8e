package org.atrium.emulator.cpu.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Builds one test case: random registers, flags and data, then instructions whose memory operands
 * are steered into the data page. Register numbers are ModRM encodings (0 = EAX ... 7 = EDI).
 */
final class CaseBuilder {
    static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;

    /**
     * Flags no generated instruction may change except POPF, compared always: TF, IF, DF, IOPL, NT,
     * AC, VIF, VIP, ID. RF and VM are left out: the kernel's fault frame sets RF.
     */
    static final int SYSTEM = 0x003C7700;

    static final int B = 1, W = 2, D = 4;
    static final int ESP = 4;

    private static final int[] SPECIAL = {
        0,
        1,
        2,
        -1,
        -2,
        0x7F,
        0x80,
        0x81,
        0xFF,
        0x100,
        0x7FFF,
        0x8000,
        0x8001,
        0xFFFF,
        0x10000,
        0x7FFFFFFF,
        0x80000000,
        0x80000001,
        0xFFFFFF7F,
        0xFFFF7FFF,
        9,
        10,
        0x99,
        0x0F,
        0xF0
    };

    final Random rnd;
    final String family;
    final int[] regs = new int[8];
    int eflags;
    final byte[] mem = new byte[Layout.MEM_SIZE];
    final ByteArrayOutputStream code = new ByteArrayOutputStream();
    final StringBuilder text = new StringBuilder();
    int defined = ARITH;
    final int[] registerMasks = {-1, -1, -1, -1, -1, -1, -1, -1};

    /** Registers an addressing form must not use because the instruction reads them itself. */
    int implicit;

    CaseBuilder(Random rnd, String family) {
        this.rnd = rnd;
        this.family = family;
        for (int r = 0; r < 8; r++) {
            regs[r] = value();
        }
        regs[ESP] = Layout.STACK_TOP;
        eflags = 0x202 | (rnd.nextInt() & (ARITH | DF));
        rnd.nextBytes(mem);
        // The stack never holds TF (single-step) or AC (alignment checks) for POPF to load.
        for (int i = Layout.DATA_END; i < Layout.MEM_SIZE; i++) {
            mem[i] &= (byte) ~0x05;
        }
    }

    /** A random operand value, often one of the edge cases of signed and unsigned arithmetic. */
    int value() {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt();
            case 1 -> rnd.nextInt(256) - 128;
            default -> SPECIAL[rnd.nextInt(SPECIAL.length)] + (rnd.nextInt(8) == 0 ? 1 : 0);
        };
    }

    int size() {
        return switch (rnd.nextInt(3)) {
            case 0 -> B;
            case 1 -> W;
            default -> D;
        };
    }

    /** The 66 prefix for 16-bit operands. */
    CaseBuilder prefix(int size) {
        if (size == W) {
            emit(0x66);
        }
        return this;
    }

    CaseBuilder emit(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
        return this;
    }

    CaseBuilder imm(int size, int v) {
        for (int i = 0; i < size; i++) {
            code.write(v >>> (8 * i));
        }
        return this;
    }

    CaseBuilder text(String s) {
        if (!text.isEmpty()) {
            text.append("; ");
        }
        text.append(s);
        return this;
    }

    /** A general register other than ESP for 16/32-bit operands; any of the eight for bytes. */
    int register(int size) {
        int r;
        do {
            r = rnd.nextInt(8);
        } while (size != B && r == ESP);
        return r;
    }

    /**
     * Set once an instruction may have changed registers that a later memory operand's address
     * would be computed from: later operands are registers.
     */
    boolean registersOnly;

    /** A register or memory operand as the r/m half of a ModRM byte. */
    Operand rm(int reg, int size) {
        return !registersOnly && rnd.nextInt(3) == 0
                ? memory(reg, size)
                : registerOperand(reg, size);
    }

    /** {@link #rm} for chaining, when the operand's value stays random. */
    CaseBuilder modrm(int reg, int size) {
        rm(reg, size);
        return this;
    }

    Operand registerOperand(int reg, int size) {
        int r = register(size);
        emit(0xC0 | (reg << 3) | r);
        return Operand.register(r, size);
    }

    /**
     * A memory operand in one of the 32-bit addressing forms ([base], [base+disp8/32], [disp32],
     * SIB with and without base, index and displacement); the registers it uses get values that put
     * the address at a random offset below {@link Layout#DATA_END}.
     */
    Operand memory(int reg, int size) {
        int target = 0x40 + rnd.nextInt(Layout.DATA_END - 0x80);
        int address = Layout.MEM + target;
        int busy = implicit | (1 << ESP) | (1 << (size == B ? reg & 3 : reg));
        switch (rnd.nextInt(5)) {
            case 0 -> { // [base]
                int base = free(busy | (1 << 5));
                emit((reg << 3) | base);
                regs[base] = address;
            }
            case 1 -> { // [base + disp8]
                int base = free(busy);
                int disp = rnd.nextInt(256) - 128;
                emit(0x40 | (reg << 3) | base, disp);
                regs[base] = address - (byte) disp;
            }
            case 2 -> { // [base + disp32]
                int base = free(busy);
                int disp = rnd.nextInt();
                emit(0x80 | (reg << 3) | base).imm(4, disp);
                regs[base] = address - disp;
            }
            case 3 -> { // [disp32]
                emit((reg << 3) | 5).imm(4, address);
            }
            default -> sib(reg, busy, address);
        }
        return Operand.memory(target, size);
    }

    private void sib(int reg, int busy, int address) {
        int scale = rnd.nextInt(4);
        int index = rnd.nextInt(5) == 0 ? ESP : free(busy);
        int indexValue = rnd.nextInt(64) - 32;
        int contribution = index == ESP ? 0 : indexValue << scale;
        int mode = rnd.nextInt(4);
        if (mode == 0) { // no base: [index*scale + disp32]
            emit((reg << 3) | 4, (scale << 6) | (index << 3) | 5).imm(4, address - contribution);
        } else {
            // ESP as base is allowed here: its value is fixed, the displacement absorbs it.
            boolean espBase = rnd.nextInt(6) == 0;
            int base = espBase ? ESP : free(busy | (index == ESP ? 0 : 1 << index));
            int baseValue =
                    espBase
                            ? regs[ESP]
                            : address - contribution - (mode == 1 ? 0 : rnd.nextInt(100));
            int disp = address - contribution - baseValue;
            if (mode == 1 && (disp != 0 || base == 5)) {
                mode = 3;
            }
            if (mode == 2 && (disp < -128 || disp > 127)) {
                mode = 3;
            }
            int modBits = mode == 1 ? 0 : mode == 2 ? 0x40 : 0x80;
            emit(modBits | (reg << 3) | 4, (scale << 6) | (index << 3) | base);
            if (mode == 2) {
                emit(disp);
            } else if (mode == 3) {
                imm(4, disp);
            }
            if (!espBase) {
                regs[base] = baseValue;
            }
        }
        if (index != ESP) {
            regs[index] = indexValue;
        }
    }

    private int free(int busy) {
        int r;
        do {
            r = rnd.nextInt(8);
        } while ((busy & (1 << r)) != 0);
        return r;
    }

    int get(Operand o) {
        if (o.isRegister()) {
            int v = o.size() == B && o.index() >= 4 ? regs[o.index() & 3] >>> 8 : regs[o.index()];
            return o.size() == D ? v : v & (o.size() == B ? 0xFF : 0xFFFF);
        }
        int v = 0;
        for (int i = o.size() - 1; i >= 0; i--) {
            v = (v << 8) | (mem[o.index() + i] & 0xFF);
        }
        return v;
    }

    void set(Operand o, int v) {
        if (o.isRegister()) {
            setRegister(o.index(), o.size(), v);
        } else {
            for (int i = 0; i < o.size(); i++) {
                mem[o.index() + i] = (byte) (v >>> (8 * i));
            }
        }
    }

    void setRegister(int r, int size, int v) {
        switch (size) {
            case B -> {
                int shift = r >= 4 ? 8 : 0;
                int i = r & 3;
                regs[i] = (regs[i] & ~(0xFF << shift)) | ((v & 0xFF) << shift);
            }
            case W -> regs[r] = (regs[r] & 0xFFFF0000) | (v & 0xFFFF);
            default -> regs[r] = v;
        }
    }

    TestCase build() {
        return new TestCase(
                family,
                text.toString(),
                code.toByteArray(),
                regs.clone(),
                eflags,
                mem.clone(),
                defined | SYSTEM,
                Arrays.copyOf(registerMasks, 8));
    }

    /**
     * An operand: a register number (ModRM encoding for its size) or an offset in the data page.
     */
    record Operand(boolean isRegister, int index, int size) {
        static Operand register(int r, int size) {
            return new Operand(true, r, size);
        }

        static Operand memory(int offset, int size) {
            return new Operand(false, offset, size);
        }
    }
}
