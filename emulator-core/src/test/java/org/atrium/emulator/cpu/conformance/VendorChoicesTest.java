package org.atrium.emulator.cpu.conformance;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The two places where the conformance comparison accepts another vendor's choice instead of
 * Intel's, and only there: a real CPU that is not Intel's may fault at a CMPS's source first and
 * may zero-extend a 32-bit segment-register push. The emulator's side comes from the emulator.
 */
class VendorChoicesTest {
    private static final int[] ALL = {-1, -1, -1, -1, -1, -1, -1, -1};

    private static TestCase testCase(String text, byte[] code, int esi, int edi, byte[] memory) {
        int[] regs = {0, 0, 0, 0, Layout.STACK_TOP, 0, esi, edi};
        return new TestCase("vendor", text, code, regs, 0x202, memory, -1, ALL);
    }

    /** A 16-bit-address string instruction with SI 0x0300 and DI 0x0500, both unmapped. */
    private static TestCase lowString(String text, int opcode) {
        byte[] code = {0x67, 0x66, (byte) opcode};
        return testCase(
                text, code, Layout.MEM + 0x300, Layout.MEM + 0x500, new byte[Layout.MEM_SIZE]);
    }

    /** {@code o} with another fault address and memory. */
    private static Outcome with(Outcome o, int faultAddress, byte[] memory) {
        return new Outcome(
                o.vector(),
                faultAddress,
                o.registers(),
                o.eipOffset(),
                o.eflags(),
                o.segments(),
                memory);
    }

    private static Outcome withFault(Outcome o, int address) {
        return with(o, address, o.memory());
    }

    @Test
    void aCompareMayFaultAtItsSourceFirstOnlyOnAnotherVendorsCpu() {
        TestCase c = lowString("a16 cmpsw", 0xA7);
        Outcome emulated = new EmulatedCpu().run(c);
        Outcome sourceFirst = withFault(emulated, 0x300);
        assertNull(CpuConformanceTest.compare(c, emulated, emulated, true));
        assertNotNull(
                CpuConformanceTest.compare(c, sourceFirst, emulated, true),
                "an Intel CPU reads the destination first");
        assertNull(CpuConformanceTest.compare(c, sourceFirst, emulated, false));
        assertNotNull(
                CpuConformanceTest.compare(c, withFault(emulated, 0x400), emulated, false),
                "neither operand's address");
    }

    @Test
    void anotherInstructionMayNotFaultElsewhere() {
        // lodsw with DS:SI unmapped faults at SI on any CPU.
        TestCase c = lowString("a16 lodsw", 0xAD);
        Outcome emulated = new EmulatedCpu().run(c);
        assertNotNull(CpuConformanceTest.compare(c, withFault(emulated, 0x500), emulated, false));
    }

    @Test
    void aDwordSegmentPushMayBeZeroExtendedOnlyOnAnotherVendorsCpu() {
        byte[] memory = new byte[Layout.MEM_SIZE];
        int slot = Layout.STACK_TOP - 4 - Layout.MEM;
        memory[slot + 2] = (byte) 0xAA;
        memory[slot + 3] = (byte) 0xBB;
        TestCase c = testCase("push sregd", new byte[] {0x1E}, 0, 0, memory);
        Outcome emulated = new EmulatedCpu().run(c);
        byte[] zeroExtended = emulated.memory().clone();
        zeroExtended[slot + 2] = 0;
        zeroExtended[slot + 3] = 0;
        Outcome amd = with(emulated, 0, zeroExtended);
        assertNotNull(CpuConformanceTest.compare(c, amd, emulated, true), "Intel keeps the half");
        assertNull(CpuConformanceTest.compare(c, amd, emulated, false));

        byte[] wrongSelector = zeroExtended.clone();
        wrongSelector[slot] ^= 4;
        assertNotNull(
                CpuConformanceTest.compare(c, with(emulated, 0, wrongSelector), emulated, false),
                "the selector itself must still agree");
    }
}
