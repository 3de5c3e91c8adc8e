package org.atrium.emulator.cpu.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the reference itself: the native runner must report results worked out by hand from the
 * SDM, so a runner that echoed its input or lost a fault could not make the suite pass.
 */
class NativeCpuTest {
    @BeforeAll
    static void nativeToolchain() {
        CpuConformanceTest.nativeToolchain();
    }

    private static TestCase testCase(int[] code, int eax, int ebx, int eflags) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        int[] regs = {eax, 0, 0, ebx, Layout.STACK_TOP, 0, 0, 0};
        return new TestCase(
                "known",
                "known answer",
                bytes,
                regs,
                eflags,
                new byte[Layout.MEM_SIZE],
                -1,
                new int[] {-1, -1, -1, -1, -1, -1, -1, -1});
    }

    @Test
    void reportsResultsFlagsMemoryAndFaults() {
        List<Outcome> out =
                NativeCpu.run(
                        List.of(
                                // add eax, ebx: 0x7FFFFFFF + 1 overflows into the sign bit
                                testCase(new int[] {0x01, 0xD8}, 0x7FFFFFFF, 1, 0x202),
                                // mov [ebx], eax
                                testCase(new int[] {0x89, 0x03}, 0x11223344, Layout.MEM + 8, 0x202),
                                // div ebx with ebx = 0: #DE at the DIV, EIP not advanced
                                testCase(new int[] {0x90, 0xF7, 0xF3}, 7, 0, 0x202),
                                // ud2
                                testCase(new int[] {0x0F, 0x0B}, 0, 0, 0x202)));
        Outcome add = out.get(0);
        assertEquals(-1, add.vector());
        assertEquals(0x80000000, add.registers()[0]);
        assertEquals(2, add.eipOffset());
        assertEquals(
                CaseBuilder.OF | CaseBuilder.SF | CaseBuilder.AF | CaseBuilder.PF,
                add.eflags() & CaseBuilder.ARITH);
        assertEquals(0x44, out.get(1).memory()[8]);
        assertEquals(0x11, out.get(1).memory()[11]);
        assertEquals(0, out.get(2).vector());
        assertEquals(1, out.get(2).eipOffset());
        assertEquals(6, out.get(3).vector());
    }

    @Test
    void comparisonSeesEveryKindOfDifference() {
        TestCase c = testCase(new int[] {0x90}, 0, 0, 0x202);
        Outcome base = new Outcome(-1, 0, new int[8], 1, 0x202, new byte[Layout.MEM_SIZE]);
        assertNull(CpuConformanceTest.compare(c, base, base));
        byte[] mem = new byte[Layout.MEM_SIZE];
        mem[100] = 1;
        int[] regs = new int[8];
        regs[7] = 1;
        assertNotNull(
                CpuConformanceTest.compare(
                        c, base, new Outcome(-1, 0, regs, 1, 0x202, base.memory())));
        assertNotNull(
                CpuConformanceTest.compare(
                        c, base, new Outcome(-1, 0, base.registers(), 1, 0x203, base.memory())));
        assertNotNull(
                CpuConformanceTest.compare(
                        c, base, new Outcome(-1, 0, base.registers(), 1, 0x202, mem)));
        assertNotNull(
                CpuConformanceTest.compare(
                        c, base, new Outcome(6, 0, base.registers(), 1, 0x202, base.memory())));
    }
}
