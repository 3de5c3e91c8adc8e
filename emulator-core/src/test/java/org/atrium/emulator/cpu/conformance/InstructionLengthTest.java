package org.atrium.emulator.cpu.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * An instruction may be at most 15 bytes, prefixes included; a longer one raises #GP(0) without
 * running (SDM vol. 2, 2.3.11). Found by the conformance suite: the emulator only counted prefixes,
 * so an instruction whose opcode, ModRM or immediate crossed the limit still ran.
 */
class InstructionLengthTest {
    /** {@code prefixes} DS overrides, then add eax, imm32 (6 bytes). */
    private static Outcome run(int prefixes) {
        byte[] code = new byte[prefixes + 6];
        Arrays.fill(code, 0, prefixes, (byte) 0x3E);
        code[prefixes] = (byte) 0x81;
        code[prefixes + 1] = (byte) 0xC0;
        code[prefixes + 2] = 1;
        int[] regs = {5, 0, 0, 0, Layout.STACK_TOP, 0, 0, 0};
        TestCase c =
                new TestCase(
                        "length",
                        "add",
                        code,
                        regs,
                        0x202,
                        new byte[Layout.MEM_SIZE],
                        -1,
                        new int[] {-1, -1, -1, -1, -1, -1, -1, -1});
        return new EmulatedCpu().run(c);
    }

    @Test
    void fifteenBytesRun() {
        Outcome o = run(9);
        assertEquals(-1, o.vector());
        assertEquals(6, o.registers()[0]);
    }

    @Test
    void sixteenBytesFaultWithoutRunning() {
        Outcome o = run(10);
        assertEquals(13, o.vector());
        assertEquals(0, o.eipOffset());
        assertEquals(5, o.registers()[0], "the add did not run");
    }
}
