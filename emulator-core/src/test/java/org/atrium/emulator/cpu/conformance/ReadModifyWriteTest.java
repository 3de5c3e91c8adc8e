package org.atrium.emulator.cpu.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A read-modify-write instruction whose destination may not be written faults before it changes
 * anything: here an ADD through CS (a code segment) at CPL 3, which is #GP(0) with EFLAGS as they
 * were (SDM vol. 3, 6.6). Found by the conformance suite: the emulator updated the flags first.
 */
class ReadModifyWriteTest {
    private static TestCase add(int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        // eax = 1, ebx points into the data page; flags all clear, so an ADD would set some.
        int[] regs = {1, 0, 0, Layout.MEM + 0x100, Layout.STACK_TOP, 0, 0, 0};
        byte[] mem = new byte[Layout.MEM_SIZE];
        mem[0x100] = (byte) 0xFF;
        return new TestCase(
                "rmw",
                "add",
                bytes,
                regs,
                0x202,
                mem,
                -1,
                new int[] {-1, -1, -1, -1, -1, -1, -1, -1});
    }

    @Test
    void writeThroughCodeSegmentFaultsBeforeFlagsChange() {
        TestCase c = add(0x2E, 0x00, 0x03); // add cs:[ebx], al
        Outcome o = new EmulatedCpu().run(c);
        assertEquals(13, o.vector());
        assertEquals(0, o.eipOffset());
        assertEquals(0, o.eflags() & CaseBuilder.ARITH, "flags untouched");
        assertArrayEquals(c.memory(), o.memory());
    }

    @Test
    void immediateFormFaultsTheSameWay() {
        Outcome o = new EmulatedCpu().run(add(0x2E, 0x83, 0x03, 0x01)); // add dword cs:[ebx], 1
        assertEquals(13, o.vector());
        assertEquals(0, o.eflags() & CaseBuilder.ARITH);
    }

    @Test
    void incDecNegNotFaultBeforeChangingFlags() {
        int[][] codes = {
            {0x2E, 0xFE, 0x03}, // inc byte cs:[ebx]
            {0x2E, 0xFF, 0x0B}, // dec dword cs:[ebx]
            {0x2E, 0xF6, 0x1B}, // neg byte cs:[ebx]
            {0x2E, 0xF7, 0x13}, // not dword cs:[ebx]
        };
        for (int[] code : codes) {
            Outcome o = new EmulatedCpu().run(add(code));
            assertEquals(13, o.vector());
            assertEquals(0, o.eflags() & CaseBuilder.ARITH);
        }
    }

    @Test
    void shiftsFaultBeforeChangingFlagsEvenForCountZero() {
        int[][] codes = {
            {0x2E, 0xD0, 0x23}, // shl byte cs:[ebx], 1
            {0x2E, 0xC1, 0x0B, 0x05}, // ror dword cs:[ebx], 5
            {0x2E, 0xC1, 0x3B, 0x00}, // sar dword cs:[ebx], 0: still a write access
            {0x2E, 0x0F, 0xA4, 0x03, 0x04}, // shld cs:[ebx], eax, 4
            {0x2E, 0x0F, 0xAC, 0x03, 0x20}, // shrd cs:[ebx], eax, 32 (masked to 0)
        };
        for (int[] code : codes) {
            Outcome o = new EmulatedCpu().run(add(code));
            assertEquals(13, o.vector());
            assertEquals(0, o.eflags() & CaseBuilder.ARITH);
        }
    }

    @Test
    void bitOpsXaddAndCmpxchgFaultBeforeChangingFlags() {
        int[][] codes = {
            {0x2E, 0x0F, 0xAB, 0x03}, // bts cs:[ebx], eax
            {0x2E, 0x0F, 0xBA, 0x33, 0x01}, // btr dword cs:[ebx], 1
            {0x2E, 0x0F, 0xC1, 0x03}, // xadd cs:[ebx], eax
            {0x2E, 0x0F, 0xB0, 0x03}, // cmpxchg cs:[ebx], al
        };
        for (int[] code : codes) {
            Outcome o = new EmulatedCpu().run(add(code));
            assertEquals(13, o.vector());
            assertEquals(0, o.eflags() & CaseBuilder.ARITH);
        }
        TestCase bt = add(0x2E, 0x0F, 0xA3, 0x03); // bt cs:[ebx], eax only reads
        assertEquals(-1, new EmulatedCpu().run(bt).vector());
    }

    @Test
    void compareThroughCodeSegmentOnlyReads() {
        Outcome o = new EmulatedCpu().run(add(0x2E, 0x38, 0x03)); // cmp cs:[ebx], al
        assertEquals(-1, o.vector(), "CS is readable: CMP runs");
        assertEquals(3, o.eipOffset());
    }
}
