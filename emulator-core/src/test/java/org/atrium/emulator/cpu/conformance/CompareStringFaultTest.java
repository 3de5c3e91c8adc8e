package org.atrium.emulator.cpu.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * CMPS reads ES:EDI before DS:ESI on the real CPU, so when both operands are unmapped the page
 * fault names EDI's address. Found by the conformance suite: the emulator read ESI first.
 */
class CompareStringFaultTest {
    @Test
    void destinationIsReadFirst() {
        int[] regs = {0, 0, 0, 0, Layout.STACK_TOP, 0, 0x00000300, 0x00000500}; // both unmapped
        TestCase c =
                new TestCase(
                        "cmps",
                        "cmpsb",
                        new byte[] {(byte) 0xA6},
                        regs,
                        0x202,
                        new byte[Layout.MEM_SIZE],
                        -1,
                        new int[] {-1, -1, -1, -1, -1, -1, -1, -1});
        Outcome o = new EmulatedCpu().run(c);
        assertEquals(14, o.vector());
        assertEquals(0x500, o.faultAddress());
    }
}
