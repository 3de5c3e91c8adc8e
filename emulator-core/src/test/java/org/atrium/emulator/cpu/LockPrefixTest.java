package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * LOCK is accepted only on the SDM's read-modify-write instructions with a memory destination (SDM
 * vol. 2, LOCK); a register destination or another instruction raises #UD without executing.
 */
class LockPrefixTest {
    private final TestMachine m = new TestMachine();
    private final Cpu cpu = m.cpu;

    /** Real mode; vector 6 goes to a HLT at 0000:2000. */
    private void run(String code) {
        m.load(6 * 4, TestMachine.hex("00 20 00 00"));
        m.load(0x2000, TestMachine.hex("f4"));
        m.startRealAt(0x1000, code + " f4");
        cpu.setEax(5);
        cpu.setEbx(0x3000);
        m.runToHalt();
    }

    @Test
    void lockWithRegisterDestinationIsInvalidOpcode() {
        run("f0 01 d8"); // lock add ax, bx
        assertEquals(0x2001, cpu.eip(), "#UD handler reached");
        assertEquals(0x1000, m.peek16(0x7000 - 6), "#UD pushes the LOCK prefix's address");
        assertEquals(5, cpu.eax(), "the add did not run");
    }

    @Test
    void lockOnNonLockableInstructionIsInvalidOpcode() {
        run("f0 39 07"); // lock cmp [bx], ax: CMP is not in the LOCK list
        assertEquals(0x2001, cpu.eip());
    }

    @Test
    void lockWithMemoryDestinationExecutes() {
        m.load(0x3000, TestMachine.hex("10 00"));
        run("f0 01 07"); // lock add [bx], ax
        assertEquals(0x1004, cpu.eip(), "ran to the HLT after the code");
        assertEquals(0x15, m.peek16(0x3000));
    }
}
