package org.atrium.emulator.cpu.conformance;

import static org.atrium.emulator.cpu.conformance.CaseBuilder.AF;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.ARITH;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.B;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.CF;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.D;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.OF;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.PF;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.SF;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.W;
import static org.atrium.emulator.cpu.conformance.CaseBuilder.ZF;

import java.util.Random;
import java.util.function.Function;
import org.atrium.emulator.cpu.conformance.CaseBuilder.Operand;

/**
 * The instruction families of the suite and how each generates a random case. Where the Intel SDM
 * (vol. 2, the "Flags Affected" section of each instruction) leaves a flag or a result undefined,
 * the case says so and the comparison ignores it; every other bit must match the real CPU.
 */
enum Family {
    ALU(Family::alu),
    INC_DEC_NEG_NOT(Family::incDecNegNot),
    SHIFT_ROTATE(Family::shiftRotate),
    DOUBLE_SHIFT(Family::doubleShift),
    MULTIPLY_DIVIDE(Family::multiplyDivide),
    BCD(Family::bcd),
    BIT(Family::bit),
    STRING(Family::string),
    FLAG(Family::flag),
    CONDITIONAL(Family::conditional),
    EXCHANGE(Family::exchange),
    EXTEND(Family::extend),
    FAULT(Family::fault),
    SEQUENCE(Family::sequence);

    private final Function<CaseBuilder, CaseBuilder> generator;

    Family(Function<CaseBuilder, CaseBuilder> generator) {
        this.generator = generator;
    }

    TestCase generate(Random rnd) {
        return generator.apply(new CaseBuilder(rnd, name())).build();
    }

    private static final String[] ALU_NAMES = {
        "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"
    };
    private static final String[] SHIFT_NAMES = {
        "rol", "ror", "rcl", "rcr", "shl", "shr", "", "sar"
    };

    private static String sized(String name, int size) {
        return name + (size == B ? "b" : size == W ? "w" : "d");
    }

    /** ADD, OR, ADC, SBB, AND, SUB, XOR, CMP in all encodings, and TEST. */
    private static CaseBuilder alu(CaseBuilder c) {
        Random rnd = c.rnd;
        int size = c.size();
        int op = rnd.nextInt(9); // 8 = TEST
        int form = rnd.nextInt(4);
        c.prefix(size);
        int sz = size == B ? 0 : 1;
        int immSize = size == B ? 1 : size;
        if (op == 8) {
            switch (form) {
                case 0, 1 -> c.emit(0x84 + sz).rm(c.register(size), size);
                case 2 -> c.emit(0xA8 + sz).imm(immSize, c.value());
                default -> c.emit(0xF6 + sz).modrm(0, size).imm(immSize, c.value());
            }
            c.text(sized("test", size) + " form " + form);
        } else {
            switch (form) {
                case 0 -> c.emit(op * 8 + sz).rm(c.register(size), size);
                case 1 -> c.emit(op * 8 + 2 + sz).rm(c.register(size), size);
                case 2 -> c.emit(op * 8 + 4 + sz).imm(immSize, c.value());
                default -> {
                    if (size != B && rnd.nextBoolean()) {
                        c.emit(0x83).modrm(op, size).imm(1, c.value());
                    } else {
                        c.emit(0x80 + sz).modrm(op, size).imm(immSize, c.value());
                    }
                }
            }
            c.text(sized(ALU_NAMES[op], size) + " form " + form);
        }
        // SDM: AND, OR, XOR, TEST leave AF undefined; OF and CF are cleared.
        if (op == 1 || op == 4 || op == 6 || op == 8) {
            c.defined = ARITH & ~AF;
        }
        return c;
    }

    private static CaseBuilder incDecNegNot(CaseBuilder c) {
        Random rnd = c.rnd;
        int size = c.size();
        int kind = rnd.nextInt(4);
        c.prefix(size);
        int sz = size == B ? 0 : 1;
        switch (kind) {
            case 0, 1 -> {
                if (size != B && rnd.nextBoolean()) {
                    c.emit(0x40 + kind * 8 + c.register(size));
                } else {
                    c.emit(0xFE + sz).rm(kind, size);
                }
                c.text(sized(kind == 0 ? "inc" : "dec", size));
            }
            default -> {
                c.emit(0xF6 + sz).rm(kind, size);
                c.text(sized(kind == 2 ? "not" : "neg", size));
            }
        }
        return c; // all flags defined: INC/DEC keep CF, NOT changes none, NEG sets all
    }

    private static int count(Random rnd) {
        int[] counts = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64};
        return rnd.nextInt(3) == 0 ? rnd.nextInt(256) : counts[rnd.nextInt(counts.length)];
    }

    /** ROL/ROR/RCL/RCR/SHL/SHR/SAR by 1, by CL and by an immediate. */
    private static CaseBuilder shiftRotate(CaseBuilder c) {
        Random rnd = c.rnd;
        int size = c.size();
        int op = rnd.nextInt(7);
        if (op == 6) {
            op = 7;
        }
        int form = rnd.nextInt(3);
        int count = form == 0 ? 1 : count(rnd);
        c.prefix(size);
        int sz = size == B ? 0 : 1;
        if (form == 1) {
            c.implicit = 1 << 1;
        }
        switch (form) {
            case 0 -> c.emit(0xD0 + sz).rm(op, size);
            case 1 -> c.emit(0xD2 + sz).rm(op, size);
            default -> c.emit(0xC0 + sz).modrm(op, size).imm(1, count);
        }
        if (form == 1) {
            c.setRegister(1, B, count);
        }
        c.text(sized(SHIFT_NAMES[op], size) + (form == 1 ? " cl=" : " ") + count);
        int masked = count & 31;
        int width = size * 8;
        if (masked != 0) {
            int undefined = masked == 1 ? 0 : OF; // SDM: OF is defined for 1-bit shifts only
            if (op >= 4) {
                undefined |= AF; // SHL/SHR/SAR: AF undefined for a non-zero count
                if (op != 7 && masked >= width) {
                    undefined |= CF; // SHL/SHR: CF undefined when count >= operand width
                }
            }
            c.defined = ARITH & ~undefined;
        }
        return c;
    }

    /** SHLD/SHRD by an immediate and by CL, 16 and 32 bits. */
    private static CaseBuilder doubleShift(CaseBuilder c) {
        Random rnd = c.rnd;
        int size = rnd.nextBoolean() ? W : D;
        boolean right = rnd.nextBoolean();
        boolean byCl = rnd.nextBoolean();
        int count;
        do {
            count = count(rnd);
        } while (size == W && (count & 31) > 16); // SDM: result undefined when count > 16 bits
        c.prefix(size);
        if (byCl) {
            c.implicit = 1 << 1;
        }
        c.emit(0x0F, (right ? 0xAC : 0xA4) + (byCl ? 1 : 0));
        c.rm(c.register(size), size);
        if (byCl) {
            c.setRegister(1, B, count);
        } else {
            c.imm(1, count);
        }
        c.text(sized(right ? "shrd" : "shld", size) + (byCl ? " cl=" : " ") + count);
        int masked = count & 31;
        if (masked != 0) {
            c.defined = ARITH & ~AF & ~(masked == 1 ? 0 : OF); // SDM: AF undefined, OF if count > 1
        }
        return c;
    }

    /** MUL, IMUL (1, 2 and 3 operands), DIV, IDIV, including divide errors. */
    private static CaseBuilder multiplyDivide(CaseBuilder c) {
        Random rnd = c.rnd;
        int kind = rnd.nextInt(7);
        if (kind < 4) {
            int size = c.size();
            c.prefix(size);
            c.implicit = 1 | 4; // EAX, EDX
            Operand src = c.emit(size == B ? 0xF6 : 0xF7).rm(4 + kind, size);
            c.text(sized(new String[] {"mul", "imul", "div", "idiv"}[kind], size));
            if (kind >= 2) {
                divideOperands(c, src, size, kind == 3);
                c.defined = 0; // SDM: DIV/IDIV leave CF, OF, SF, ZF, AF, PF undefined
            } else {
                c.defined = CF | OF; // SDM: MUL/IMUL leave SF, ZF, AF, PF undefined
            }
        } else {
            int size = rnd.nextBoolean() ? W : D;
            c.prefix(size);
            int dest = c.register(size);
            switch (kind) {
                case 4 -> c.emit(0x0F, 0xAF).rm(dest, size);
                case 5 -> c.emit(0x69).modrm(dest, size).imm(size, c.value());
                default -> c.emit(0x6B).modrm(dest, size).imm(1, c.value());
            }
            c.text(sized("imul", size) + " form " + kind);
            c.defined = CF | OF;
        }
        return c;
    }

    private static void divideOperands(CaseBuilder c, Operand src, int size, boolean signed) {
        Random rnd = c.rnd;
        int choice = rnd.nextInt(6);
        int divisor = choice == 0 ? 0 : c.value();
        int low = c.value();
        int high;
        int mask = size == D ? -1 : (1 << (size * 8)) - 1;
        if (choice <= 1) {
            high = c.value(); // random: mostly a quotient overflow (#DE)
        } else if (signed) {
            high = (low & (1 << (size * 8 - 1))) != 0 ? -1 : 0;
        } else {
            int d = divisor & mask;
            high = d == 0 ? 0 : Integer.remainderUnsigned(c.value() & mask, d);
        }
        switch (size) {
            case B -> c.setRegister(0, W, ((high & 0xFF) << 8) | (low & 0xFF));
            case W -> {
                c.setRegister(0, W, low);
                c.setRegister(2, W, high);
            }
            default -> {
                c.regs[0] = low;
                c.regs[2] = high;
            }
        }
        c.set(src, divisor);
    }

    /** DAA, DAS, AAA, AAS, AAM, AAD, with AAM 0 as a divide error. */
    private static CaseBuilder bcd(CaseBuilder c) {
        Random rnd = c.rnd;
        int kind = rnd.nextInt(6);
        String[] names = {"daa", "das", "aaa", "aas", "aam", "aad"};
        c.setRegister(0, W, rnd.nextInt(0x10000)); // every AL/AH pair, not just edge values
        switch (kind) {
            case 0 -> c.emit(0x27);
            case 1 -> c.emit(0x2F);
            case 2 -> c.emit(0x37);
            case 3 -> c.emit(0x3F);
            default -> {
                int base = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(5) == 0 ? 0 : 10;
                c.emit(kind == 4 ? 0xD4 : 0xD5, base);
            }
        }
        c.text(names[kind]);
        // SDM: DAA/DAS leave OF undefined; AAA/AAS define only AF and CF; AAM/AAD only SF, ZF, PF.
        c.defined =
                switch (kind) {
                    case 0, 1 -> ARITH & ~OF;
                    case 2, 3 -> AF | CF;
                    default -> SF | ZF | PF;
                };
        return c;
    }

    /** BT, BTS, BTR, BTC with a register or immediate offset; BSF and BSR. */
    private static CaseBuilder bit(CaseBuilder c) {
        Random rnd = c.rnd;
        int size = rnd.nextBoolean() ? W : D;
        int kind = rnd.nextInt(6);
        c.prefix(size);
        if (kind < 4) {
            String name = new String[] {"bt", "bts", "btr", "btc"}[kind];
            if (rnd.nextBoolean()) {
                int bitReg = c.register(size);
                Operand dest = c.emit(0x0F, 0xA3 + kind * 8).rm(bitReg, size);
                // With a memory operand the offset reaches beyond it: keep it within the data page.
                int offset = dest.isRegister() ? c.value() : rnd.nextInt(1024) - 512;
                c.setRegister(bitReg, size, offset);
                c.text(sized(name, size) + " reg");
            } else {
                c.emit(0x0F, 0xBA).modrm(4 + kind, size).imm(1, rnd.nextInt(256));
                c.text(sized(name, size) + " imm");
            }
            c.defined = CF | ZF; // SDM: ZF unaffected; OF, SF, AF, PF undefined
        } else {
            int dest = c.register(size);
            Operand src = c.emit(0x0F, kind == 4 ? 0xBC : 0xBD).rm(dest, size);
            int v = rnd.nextInt(4) == 0 ? 0 : c.value() >>> rnd.nextInt(32);
            c.set(src, v);
            if ((c.get(src)) == 0) {
                // SDM: the destination is undefined when the source is zero.
                c.registerMasks[dest] = size == W ? 0xFFFF0000 : 0;
            }
            c.text(sized(kind == 4 ? "bsf" : "bsr", size));
            c.defined = ZF; // SDM: CF, OF, SF, AF, PF undefined
        }
        return c;
    }

    /** MOVS, CMPS, STOS, LODS, SCAS; no prefix, REP/REPE, REPNE; both directions; all sizes. */
    private static CaseBuilder string(CaseBuilder c) {
        Random rnd = c.rnd;
        int size = c.size();
        int[] ops = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
        String[] names = {"movs", "cmps", "stos", "lods", "scas"};
        int kind = rnd.nextInt(5);
        boolean compares = kind == 1 || kind == 4;
        int rep = rnd.nextInt(3); // 0 none, 1 F3, 2 F2 (REPNE: compares only)
        if (rep == 2 && !compares) {
            rep = 1;
        }
        if (rep == 1) {
            c.emit(0xF3);
        } else if (rep == 2) {
            c.emit(0xF2);
        }
        c.prefix(size);
        c.emit(ops[kind] + (size == B ? 0 : 1));
        int src = 0x200 + rnd.nextInt(0x600);
        int dst = 0x200 + rnd.nextInt(0x600);
        c.regs[6] = Layout.MEM + src;
        c.regs[7] = Layout.MEM + dst;
        if (rep != 0) {
            c.regs[1] = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(17);
        }
        if (compares) {
            // Make the strings agree for a while so REPE/REPNE run some iterations.
            int run = rnd.nextInt(40);
            System.arraycopy(c.mem, src, c.mem, dst, run);
            if (rnd.nextBoolean()) {
                // SCAS: fill around EDI with the accumulator's value, so REPE keeps scanning.
                int v = c.value();
                c.setRegister(0, size, v);
                if (rnd.nextBoolean()) {
                    for (int i = -48; i < 48; i++) {
                        c.mem[dst + i] = (byte) (v >>> (8 * Math.floorMod(i, size)));
                    }
                }
            }
        }
        c.text((rep == 1 ? "rep " : rep == 2 ? "repne " : "") + sized(names[kind], size));
        return c; // SDM: CMPS/SCAS set all six flags; the others change none
    }

    /** CLC, STC, CMC, LAHF, SAHF, PUSHF, POPF (16 and 32 bits) in short sequences. */
    private static CaseBuilder flag(CaseBuilder c) {
        Random rnd = c.rnd;
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(8)) {
                case 0 -> c.emit(0xF8).text("clc");
                case 1 -> c.emit(0xF9).text("stc");
                case 2 -> c.emit(0xF5).text("cmc");
                case 3 -> c.emit(0x9F).text("lahf");
                case 4 -> c.emit(0x9E).text("sahf");
                case 5 -> c.emit(0x9C).text("pushfd");
                case 6 -> c.emit(0x9D).text("popfd");
                default -> c.emit(0x66, rnd.nextBoolean() ? 0x9C : 0x9D).text("pushf/popf 16");
            }
        }
        return c; // every flag is defined; POPF at CPL 3 keeps IOPL and IF (SDM POPF, table 4-16)
    }

    /** Jcc (rel8 and rel32), SETcc and CMOVcc over all sixteen conditions. */
    private static CaseBuilder conditional(CaseBuilder c) {
        Random rnd = c.rnd;
        int cc = rnd.nextInt(16);
        switch (rnd.nextInt(4)) {
            case 0 -> c.emit(0x70 + cc, 5).emit(0xB8).imm(4, c.value()).text("jcc8 " + cc);
            case 1 ->
                    c.emit(0x0F, 0x80 + cc)
                            .imm(4, 5)
                            .emit(0xB8)
                            .imm(4, c.value())
                            .text("jcc " + cc);
            case 2 -> {
                c.emit(0x0F, 0x90 + cc).rm(0, B);
                c.text("setcc " + cc);
            }
            default -> {
                int size = rnd.nextBoolean() ? W : D;
                c.prefix(size).emit(0x0F, 0x40 + cc).rm(c.register(size), size);
                c.text(sized("cmov", size) + " " + cc);
            }
        }
        return c;
    }

    /** XCHG, XADD, CMPXCHG, CMPXCHG8B, BSWAP, with LOCK on some memory forms. */
    private static CaseBuilder exchange(CaseBuilder c) {
        Random rnd = c.rnd;
        int kind = rnd.nextInt(6);
        int size = c.size();
        boolean lock = rnd.nextInt(4) == 0;
        switch (kind) {
            case 0, 1, 2 -> {
                if (lock) {
                    c.emit(0xF0);
                }
                c.prefix(size);
                int sz = size == B ? 0 : 1;
                int op = kind == 0 ? 0x86 : kind == 1 ? 0x0FC0 : 0x0FB0;
                if (op > 0xFF) {
                    c.emit(0x0F);
                }
                if (kind == 2) {
                    c.implicit = 1;
                }
                Operand dest = c.emit((op & 0xFF) + sz).rm(c.register(size), size);
                if (kind == 2 && rnd.nextBoolean()) {
                    c.setRegister(0, size, c.get(dest));
                }
                // LOCK with a register destination is #UD (SDM 2.1.2 / LOCK).
                c.text(
                        (lock ? "lock " : "")
                                + sized(new String[] {"xchg", "xadd", "cmpxchg"}[kind], size));
            }
            case 3 -> {
                if (size == B) {
                    size = D;
                }
                c.prefix(size);
                int r = c.register(size);
                c.emit(0x90 + (r == 0 ? 1 : r)).text(sized("xchg eax", size));
            }
            case 4 -> {
                if (lock) {
                    c.emit(0xF0);
                }
                c.implicit = 0xF; // EAX, ECX, EDX, EBX
                Operand m = c.emit(0x0F, 0xC7).memory(1, D);
                if (rnd.nextBoolean()) {
                    c.regs[0] = c.get(m);
                    c.regs[2] = c.get(new Operand(false, m.index() + 4, D));
                }
                c.text((lock ? "lock " : "") + "cmpxchg8b");
                c.defined = ARITH; // SDM: ZF set by the compare, CF, PF, AF, SF, OF unaffected
            }
            default -> {
                int r = c.register(D);
                c.emit(0x0F, 0xC8 + r).text("bswap");
            }
        }
        return c;
    }

    /**
     * Several arithmetic, logic, INC/DEC/NEG/NOT and conditional instructions in a row, so flags
     * one instruction leaves (lazily, in the emulator) are read by the next: ADC/SBB use CF, Jcc,
     * SETcc and CMOVcc test every condition. None of these reads AF, the only flag a logic
     * instruction leaves undefined, so the mask the last ALU instruction set stays right.
     */
    private static CaseBuilder sequence(CaseBuilder c) {
        Random rnd = c.rnd;
        int n = 2 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(3)) {
                case 0 -> alu(c);
                case 1 -> incDecNegNot(c);
                default -> conditional(c);
            }
            c.registersOnly = true;
        }
        return c;
    }

    /** MOVZX, MOVSX, CBW/CWDE, CWD/CDQ. */
    private static CaseBuilder extend(CaseBuilder c) {
        Random rnd = c.rnd;
        int kind = rnd.nextInt(4);
        int size = rnd.nextBoolean() ? W : D;
        c.prefix(size);
        switch (kind) {
            case 0, 1 -> {
                int srcSize = size == W || rnd.nextBoolean() ? B : W;
                int op = (kind == 0 ? 0xB6 : 0xBE) + (srcSize == W ? 1 : 0);
                c.emit(0x0F, op).rm(c.register(size), srcSize);
                c.text(sized(kind == 0 ? "movzx" : "movsx", size) + " from " + srcSize);
            }
            case 2 -> c.emit(0x98).text(size == W ? "cbw" : "cwde");
            default -> c.emit(0x99).text(size == W ? "cwd" : "cdq");
        }
        return c;
    }

    /**
     * Instructions that fault in a 32-bit process at CPL 3 with IOPL 0: UD2 and other #UD forms,
     * privileged and I/O instructions (#GP), INT3 (#BP), INTO (#OF), BOUND (#BR).
     */
    private static CaseBuilder fault(CaseBuilder c) {
        Random rnd = c.rnd;
        int kind = rnd.nextInt(12);
        if (kind != 8 && rnd.nextBoolean()) {
            alu(c); // some state change before the fault (BOUND's address must stay put)
            c.registersOnly = true;
        }
        switch (kind) {
            case 0 -> c.emit(0x0F, 0x0B).text("ud2");
            case 1 -> c.emit(0xF4).text("hlt");
            case 2 -> c.emit(0xFA).text("cli");
            case 3 -> c.emit(0xFB).text("sti");
            case 4 -> c.emit(0xE4, rnd.nextInt(256)).text("in al, imm");
            case 5 -> c.emit(0xEE).text("out dx, al");
            case 6 -> c.emit(0xCC).text("int3");
            case 7 -> c.emit(0xCE).text("into");
            case 8 -> {
                int r = c.register(D);
                Operand m = c.emit(0x62).memory(r, D);
                int lower = c.value();
                c.set(m, lower);
                c.set(new Operand(false, m.index() + 4, D), lower + rnd.nextInt(100));
                c.regs[r] = lower + rnd.nextInt(200) - 50;
                c.text("bound");
            }
            case 9 -> c.emit(0xF0, 0x01, 0xC0 | rnd.nextInt(64)).text("lock add reg");
            case 10 -> {
                // A load or store to an unmapped page (#PF); the address is outside both pages.
                int address = 0x40000000 + rnd.nextInt(0x10000000);
                c.emit(rnd.nextBoolean() ? 0x8B : 0x89, 0x05 | (c.register(D) << 3))
                        .imm(4, address);
                c.text("mov unmapped");
            }
            default -> c.emit(0x0F, 0xFF, 0xC0).text("ud0");
        }
        return c;
    }
}
