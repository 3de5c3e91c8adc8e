package org.atrium.emulator.cpu.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * PUSH of a segment register with a 32-bit operand size moves ESP by 4 and writes the 16-bit
 * selector only, as recent Intel processors do (SDM vol. 2, PUSH). Found by the conformance suite:
 * the emulator wrote a zero-extended dword.
 */
class PushSegmentTest {
    private static Outcome run(int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        byte[] mem = new byte[Layout.MEM_SIZE];
        mem[Layout.STACK_TOP - Layout.MEM - 2] = (byte) 0xAA; // upper half of the slot
        mem[Layout.STACK_TOP - Layout.MEM - 1] = (byte) 0xBB;
        int[] regs = {0, 0, 0, 0, Layout.STACK_TOP, 0, 0, 0};
        TestCase c =
                new TestCase(
                        "push",
                        "push sreg",
                        bytes,
                        regs,
                        0x202,
                        mem,
                        -1,
                        new int[] {-1, -1, -1, -1, -1, -1, -1, -1});
        return new EmulatedCpu().run(c);
    }

    private static int word(Outcome o, int offset) {
        int at = Layout.STACK_TOP - Layout.MEM + offset;
        return (o.memory()[at] & 0xFF) | (o.memory()[at + 1] & 0xFF) << 8;
    }

    @Test
    void dwordPushWritesTheSelectorOnly() {
        Outcome o = run(0x1E); // push ds
        assertEquals(Layout.STACK_TOP - 4, o.registers()[4]);
        assertEquals(EmulatedCpu.USER_DATA, word(o, -4));
        assertEquals(0xBBAA, word(o, -2), "upper half of the slot unchanged");
    }

    @Test
    void wordPushWritesTwoBytes() {
        Outcome o = run(0x66, 0x0E); // push cs (16-bit)
        assertEquals(Layout.STACK_TOP - 2, o.registers()[4]);
        assertEquals(EmulatedCpu.USER_CODE, word(o, -2));
    }
}
