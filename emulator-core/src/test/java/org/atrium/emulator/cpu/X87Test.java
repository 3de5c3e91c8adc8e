package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * x87 instructions as Linux and its user space use them. Expected values follow the Intel SDM vol.
 * 1 chapter 8 and vol. 2 (FSAVE layout, condition codes, rounding-control encodings).
 */
class X87Test {
    private static final int DATA = 0x3000;

    private final TestMachine m = new TestMachine();
    private final Cpu cpu = m.cpu;

    private void putDouble(int at, double v) {
        long bits = Double.doubleToRawLongBits(v);
        m.write32(at, (int) bits);
        m.write32(at + 4, (int) (bits >>> 32));
    }

    private double getDouble(int at) {
        return Double.longBitsToDouble(
                (m.read32(at) & 0xFFFFFFFFL) | (long) m.read32(at + 4) << 32);
    }

    private void run(String code) {
        m.startFlat32(code + " f4");
        m.runToHalt();
        assertTrue(cpu.halted(), "reached HLT");
    }

    @Test
    void cpuidReportsTheFpu() {
        run("31 c0 40 0f a2"); // xor eax,eax; inc eax; cpuid
        assertEquals(1, cpu.edx() & 1, "CPUID.1:EDX.FPU");
    }

    @Test
    void kernelFdivBugCheckFindsNoBug() {
        // arch/x86/kernel/fpu/bugs.c: x - (x / y) * y == 0 on a correct FPU.
        putDouble(DATA, 4195835.0);
        putDouble(DATA + 8, 3145727.0);
        m.write32(DATA + 16, 0x12345678);
        run(
                "db e3 dd 05 00 30 00 00 dc 35 08 30 00 00 dc 0d 08 30 00 00"
                        + " dd 05 00 30 00 00 de e9 db 1d 10 30 00 00 9b db e3");
        assertEquals(0, m.read32(DATA + 16));
    }

    @Test
    void integerStoreFollowsTheRoundingControl() {
        m.write32(DATA, 7);
        m.write32(DATA + 4, 2);
        m.write16(DATA + 8, 0x0F7F); // rounding control 11b: toward zero
        // fninit; fild [7]; fidiv [2]; fist [+12]; fldcw; fistp [+16]
        run(
                "db e3 db 05 00 30 00 00 da 35 04 30 00 00 db 15 0c 30 00 00"
                        + " d9 2d 08 30 00 00 db 1d 10 30 00 00");
        assertEquals(4, m.read32(DATA + 12), "3.5 to nearest even");
        assertEquals(3, m.read32(DATA + 16), "3.5 toward zero");
    }

    @Test
    void fsaveAndFrstorKeepAnExtendedValueExactly() {
        // 1 + 2^-63: the lowest mantissa bit is set, which a double cannot hold.
        m.write32(DATA, 1);
        m.write32(DATA + 4, 0x80000000);
        m.write16(DATA + 8, 0x3FFF);
        // fninit; fld tbyte [DATA]; fnsave [0x3100]; frstor [0x3100]; fstp tbyte [DATA+0x20]
        run("db e3 db 2d 00 30 00 00 dd 35 00 31 00 00 dd 25 00 31 00 00" + " db 3d 20 30 00 00");
        assertEquals(1, m.read32(DATA + 0x20));
        assertEquals(0x80000000, m.read32(DATA + 0x24));
        assertEquals(0x3FFF, m.read16(DATA + 0x28) & 0xFFFF);
        assertEquals(7, (m.read16(0x3104) >> 11) & 7, "saved TOP after one push");
        assertEquals(0x3FFF, m.read16(0x3108) & 0xFFFF, "saved tags: only ST(0)=R7 valid");
        assertEquals(0x037F, m.read16(0x3100) & 0xFFFF, "saved control word");
    }

    @Test
    void comparisonsSetConditionCodesAndEflags() {
        // fninit; fld1; fldz; fcom st(1); fnstsw ax; mov ebx,eax; fcomi st,st(1)
        run("db e3 d9 e8 d9 ee d8 d1 df e0 89 c3 db f1");
        assertEquals(0x0100, cpu.ebx() & 0x4500, "0 < 1: C0 set, C2 and C3 clear");
        assertEquals(Cpu.CF, cpu.eflags() & (Cpu.CF | Cpu.ZF | Cpu.PF), "FCOMI: below");
    }

    @Test
    void squareRootAndConstants() {
        m.write32(DATA, 2);
        // fninit; fild [2]; fsqrt; fstp qword [+8]; fldpi; fstp qword [+16]
        run("db e3 db 05 00 30 00 00 d9 fa dd 1d 08 30 00 00 d9 eb dd 1d 10 30 00 00");
        assertEquals(Math.sqrt(2), getDouble(DATA + 8));
        assertEquals(Math.PI, getDouble(DATA + 16));
    }

    @Test
    void extendedFormatConversionRoundTrips() {
        for (double v : new double[] {1.0, -2.5, 1e-310, Double.MAX_VALUE, 0.0, -0.0, 1e300}) {
            long[] x = X87.toExtended(v);
            assertEquals(v, X87.fromExtended(x[0], (int) x[1]), "value " + v);
        }
    }
}
