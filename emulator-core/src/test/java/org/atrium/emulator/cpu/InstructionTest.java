package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Single instructions in 32-bit code with chosen inputs; expected results and flags are worked out
 * from the Intel SDM's definitions (noted per case), not taken from this interpreter.
 */
class InstructionTest {
    private static final int ARITH = Cpu.CF | Cpu.PF | Cpu.AF | Cpu.ZF | Cpu.SF | Cpu.OF;
    private static final int C = Cpu.CF, P = Cpu.PF, A = Cpu.AF, Z = Cpu.ZF, S = Cpu.SF, O = Cpu.OF;

    private final TestMachine m = new TestMachine();
    private final Cpu cpu = m.cpu;

    private void exec(String code, int eax, int ebx, int ecx, int edx, int flagsIn) {
        m.startFlat32(code + " f4");
        cpu.setEax(eax);
        cpu.setEbx(ebx);
        cpu.setEcx(ecx);
        cpu.setEdx(edx);
        cpu.setEflags(flagsIn);
        m.runToHalt();
    }

    private void expect(int eax, int flags) {
        assertEquals(Integer.toHexString(eax), Integer.toHexString(cpu.eax()), "EAX");
        assertEquals(flagString(flags), flagString(cpu.eflags() & ARITH), "flags");
    }

    private static String flagString(int f) {
        return ((f & O) != 0 ? "O" : "-")
                + ((f & S) != 0 ? "S" : "-")
                + ((f & Z) != 0 ? "Z" : "-")
                + ((f & A) != 0 ? "A" : "-")
                + ((f & P) != 0 ? "P" : "-")
                + ((f & C) != 0 ? "C" : "-");
    }

    @Test
    void addSubAdcSbb() {
        exec("01 d8", 0xFFFFFFFF, 1, 0, 0, 0); // add: wraps to 0
        expect(0, C | Z | P | A);
        exec("01 d8", 0x7FFFFFFF, 1, 0, 0, 0); // add: signed overflow
        expect(0x80000000, O | S | A | P);
        exec("29 d8", 0, 1, 0, 0, 0); // sub: borrow
        expect(0xFFFFFFFF, C | S | A | P);
        exec("29 d8", 0x80000000, 1, 0, 0, 0); // sub: signed overflow
        expect(0x7FFFFFFF, O | A | P);
        exec("11 d8", 0xFFFFFFFF, 0, 0, 0, C); // adc: carry in wraps
        expect(0, C | Z | P | A);
        exec("19 d8", 5, 5, 0, 0, C); // sbb: borrow in
        expect(0xFFFFFFFF, C | S | A | P);
        exec("21 d8", 0xF0, 0x0F, 0, 0, C | O); // and: clears CF/OF
        expect(0, Z | P);
    }

    @Test
    void incDecNegKeepOrSetCarry() {
        exec("40", 0xFFFFFFFF, 0, 0, 0, C); // inc keeps CF
        expect(0, C | Z | A | P);
        exec("40", 0xFFFFFFFF, 0, 0, 0, 0);
        expect(0, Z | A | P);
        exec("48", 0x80000000, 0, 0, 0, 0); // dec: signed overflow
        expect(0x7FFFFFFF, O | A | P);
        exec("f7 d8", 0, 0, 0, 0, C); // neg 0: CF=0
        expect(0, Z | P);
        exec("f7 d8", 1, 0, 0, 0, 0); // neg 1: CF=1
        expect(0xFFFFFFFF, C | S | A | P);
    }

    @Test
    void shiftsAndRotates() {
        exec("d1 e0", 0x80000001, 0, 0, 0, 0); // shl 1: CF = old MSB, OF = MSB(res) ^ CF
        expect(2, C | O);
        exec("d0 e8", 0x81, 0, 0, 0, 0); // shr al,1: OF = old MSB
        expect(0x40, C | O);
        exec("d0 f8", 0x80, 0, 0, 0, 0); // sar al,1
        expect(0xC0, S | P);
        exec("d0 c0", 0x80, 0, 0, 0, 0); // rol al,1: CF = new LSB, OF = MSB ^ CF
        expect(0x01, C | O);
        exec("d1 d8", 0x00000002, 0, 0, 0, C); // rcr 1: CF rotates into the MSB
        expect(0x80000001, O);
        exec("0f a5 d8", 0x12345678, 0x9ABCDEF0, 8, 0, 0); // shld eax,ebx,8
        assertEquals(0x3456789A, cpu.eax());
        exec("0f ad d8", 0x12345678, 0x9ABCDEF0, 8, 0, 0); // shrd eax,ebx,8
        assertEquals(0xF0123456, cpu.eax());
        assertEquals(0, cpu.eflags() & C, "last bit shifted out of 0x78 is 0");
    }

    @Test
    void rotatesSetCarryAndOverflowAndKeepTheFlagsOfTheResultBefore() {
        // add eax,ebx leaves SF/ZF/AF/PF (and CF/OF) of its result; rol/ror/rcl/rcr ecx,1 then
        // define only CF and OF (SDM vol. 2, ROL): the rest stay the add's.
        exec("01 d8 d1 c1", 0xFFFFFFFF, 1, 0x80000000, 0, 0); // add -> 0; rol: 1
        assertEquals(1, cpu.ecx());
        expect(0, Z | A | P | C | O); // CF = new LSB 1, OF = MSB 0 ^ CF
        exec("01 d8 d1 c9", 0x7FFFFFFF, 1, 1, 0, 0); // add -> 0x80000000; ror: 0x80000000
        assertEquals(0x80000000, cpu.ecx());
        expect(0x80000000, S | A | P | C | O); // CF = new MSB 1, OF = MSB ^ bit 30
        exec("01 d8 d1 d1", 0xFFFFFFFF, 1, 0x40000000, 0, 0); // add -> 0, CF 1; rcl: 0x80000001
        assertEquals(0x80000001, cpu.ecx());
        expect(0, Z | A | P | O); // CF = old MSB 0, OF = MSB 1 ^ CF
        exec("01 d8 d1 d9", 0x7FFFFFFF, 1, 3, 0, 0); // add -> 0x80000000, CF 0; rcr: 1
        assertEquals(1, cpu.ecx());
        expect(0x80000000, S | A | P | C); // CF = old LSB 1, OF = MSB 0 ^ bit 30 0
    }

    @Test
    void multiplyAndDivide() {
        exec("0f af c3", 0x10000, 0x10000, 0, 0, 0); // imul eax,ebx overflows
        assertEquals(0, cpu.eax());
        assertEquals(C | O, cpu.eflags() & (C | O));
        exec("f6 e3", 0x10, 0x10, 0, 0, 0); // mul bl: AX = 0x100
        assertEquals(0x100, cpu.eax());
        assertEquals(C | O, cpu.eflags() & (C | O));
        exec("f7 f3", 5, 0x10, 0, 1, 0); // div ebx: 0x1_00000005 / 16
        assertEquals(0x10000000, cpu.eax());
        assertEquals(5, cpu.edx());
        exec("f7 fb", -7, 2, 0, -1, 0); // idiv: truncates toward zero
        assertEquals(-3, cpu.eax());
        assertEquals(-1, cpu.edx());
    }

    @Test
    void decimalAdjust() {
        exec("27", 0xAE, 0, 0, 0, 0); // daa after 0x79 + 0x35
        assertEquals(0x14, cpu.eax() & 0xFF);
        assertEquals(C | A, cpu.eflags() & (C | A));
        exec("37", 0x000F, 0, 0, 0, 0); // aaa
        assertEquals(0x0105, cpu.eax() & 0xFFFF);
        assertEquals(C | A, cpu.eflags() & (C | A));
    }

    @Test
    void bitScanTestAndExchange() {
        exec("0f bc c3", 0, 0x00F0, 0, 0, 0); // bsf
        assertEquals(4, cpu.eax());
        exec("0f bd c3", 0, 0x00F0, 0, 0, 0); // bsr
        assertEquals(7, cpu.eax());
        exec("0f ab c8", 0, 0, 35, 0, C); // bts eax,ecx: offset taken mod 32 for a register
        assertEquals(8, cpu.eax());
        assertEquals(0, cpu.eflags() & C);
        exec("0f b1 d9", 7, 9, 7, 0, 0); // cmpxchg ecx,ebx: equal, so ECX = EBX
        assertEquals(9, cpu.ecx());
        assertEquals(Z, cpu.eflags() & Z);
        exec("0f b1 d9", 6, 9, 7, 0, 0); // not equal: EAX = ECX
        assertEquals(7, cpu.eax());
        assertEquals(0, cpu.eflags() & Z);
        exec("0f c1 d8", 3, 4, 0, 0, 0); // xadd eax,ebx
        assertEquals(7, cpu.eax());
        assertEquals(3, cpu.ebx());
        exec("0f c8", 0x11223344, 0, 0, 0, 0); // bswap
        assertEquals(0x44332211, cpu.eax());
        exec("0f 42 c3", 1, 2, 0, 0, C); // cmovb taken
        assertEquals(2, cpu.eax());
        exec("0f 92 c0", 0xFFFFFFFF, 0, 0, 0, 0); // setb al, CF=0
        assertEquals(0xFFFFFF00, cpu.eax());
        exec("0f be c3", 0, 0x80, 0, 0, 0); // movsx
        assertEquals(0xFFFFFF80, cpu.eax());
        exec("0f b7 c3", -1, 0xFFFF8001, 0, 0, 0); // movzx
        assertEquals(0x8001, cpu.eax());
    }

    @Test
    void stringsStackFramesLoopsAndConversionsIn32BitCode() {
        /*
         * std; esi=0x300c edi=0x400c ecx=4; rep movsl; cld            (backward copy)
         * edi=0x5000; mov $0xbeef,%ax; ecx=3; rep stosw                (66-prefixed)
         * esi=0x2f00; lodsb %fs:(%esi); mov %al,0x7000                 (FS base 0x100)
         * ebx=0x6000; mov $2,%al; xlat; mov %al,0x7001
         * ebp=0x11111111; enter $8,$0; mov %ebp,%esi; leave
         * xor %edi,%edi; ecx=10; 1: add %ecx,%edi; loop 1b
         * eax=0x80; cbtw; cwtl; cltd; hlt
         */
        m.startFlat32(
                "fd be 0c 30 00 00 bf 0c 40 00 00 b9 04 00 00 00 f3 a5 fc bf 00 50 00 00 66 b8 ef"
                    + " be b9 03 00 00 00 66 f3 ab be 00 2f 00 00 64 ac a2 00 70 00 00 bb 00 60 00"
                    + " 00 b0 02 d7 a2 01 70 00 00 bd 11 11 11 11 c8 08 00 00 89 ee c9 31 ff b9 0a"
                    + " 00 00 00 01 cf e2 fc b8 80 00 00 00 66 98 98 99 f4");
        cpu.setSegment(Cpu.FS, 0, 0x100, -1, true);
        for (int i = 0; i < 16; i++) {
            m.ram[0x3000 + i] = (byte) (0xA0 + i);
        }
        m.ram[0x6002] = 0x5C;
        m.runToHalt();
        for (int i = 0; i < 16; i++) {
            assertEquals(
                    (byte) (0xA0 + i), m.ram[0x4000 + i], "byte " + i + " of the backward copy");
        }
        assertEquals(0xBEEF, m.peek16(0x5000));
        assertEquals(0xBEEF, m.peek16(0x5004));
        assertEquals(0, m.peek16(0x5006), "REP STOSW stored exactly three words");
        assertEquals((byte) 0xA0, m.ram[0x7000], "LODSB read through the FS override");
        assertEquals(0x5C, m.ram[0x7001], "XLAT");
        assertEquals(0x8000 - 4, cpu.esi(), "ENTER pointed EBP at the saved EBP");
        assertEquals(0x11111111, cpu.ebp(), "LEAVE restored EBP");
        assertEquals(0x8000, cpu.esp());
        assertEquals(55, cpu.edi(), "LOOP summed 10..1");
        assertEquals(0xFFFFFF80, cpu.eax(), "CBW then CWDE sign-extend");
        assertEquals(0xFFFFFFFF, cpu.edx(), "CDQ");
    }
}
