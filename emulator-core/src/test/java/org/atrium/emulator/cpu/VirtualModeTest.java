package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VirtualModeTest {
    /*
     * Linked at 0x1000. Real mode -> 32-bit PM; ds=es=ss=0x10; esp=0x9000; ltr $0x28
     *   (TSS esp0=0x9000 ss0=0x10); push GS FS DS ES SS=0, ESP=0x6000, EFLAGS=VM|IOPL3,
     *   CS=0x0200, EIP=0; iret                                 -> virtual-8086 mode at 0200:0000
     * int21_handler (DPL 3 gate): mov 4(%esp),%esi; mov 8(%esp),%edi; mov %ds,%ecx; iret
     * gp_handler: pop %ebp; mov 4(%esp),%ebx; hlt
     */
    private static final String MONITOR =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 a0 10 66 0f 01 1e a6 10 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e c0 8e d0 bc 00 90 00 00"
                + " 66 b8 28 00 0f 00 d8 6a 00 6a 00 6a 00 6a 00 6a 00 68 00 60 00 00 68 02 30 02"
                + " 00 68 00 02 00 00 6a 00 cf 8b 74 24 04 8b 7c 24 08 8c d9 cf 5d 8b 5c 24 04 f4"
                + " 8d 74 26 00 90 00*8 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf 00*17 67 00 b0"
                + " 10 00 89 00 00 2f 00 70 10 00 00 0f 01 18 11 00 00 8d 74 26 00 00 00 00 00 00"
                + " 90 00 00 10 00*199 65 10 08 00 00 8e 00*154 5a 10 08 00 00 ee 00 00";

    /* At 0200:0000: mov $0x1234,%ax; mov %cs,%bx; int $0x21; cli; mov $0x5678,%dx; hlt */
    private static final String GUEST = "b8 34 12 8c cb cd 21 fa ba 78 56 f4";

    @Test
    void virtual8086TaskEntersLeavesAndFaultsToTheMonitor() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        m.load(0x2000, TestMachine.hex(GUEST));
        m.startRealAt(0x1000, MONITOR);
        m.runToHalt();
        assertTrue(cpu.halted());
        assertEquals(0x1234, cpu.eax() & 0xFFFF, "the guest ran in virtual-8086 mode");
        assertEquals(0x200, cpu.esi(), "INT from v86 pushed the real-mode CS");
        assertEquals(Cpu.VM | Cpu.IOPL, cpu.edi() & (Cpu.VM | Cpu.IOPL), "and EFLAGS with VM set");
        assertEquals(0, cpu.ecx(), "data segments are nulled on entry to the monitor");
        assertEquals(0x5678, cpu.edx() & 0xFFFF, "IRET returned to v86; CLI allowed at IOPL 3");
        assertEquals(0, cpu.ebp(), "HLT in v86 is #GP(0)");
        assertEquals(0x200, cpu.ebx());
        assertEquals(0, cpu.cpl());
        assertEquals(0, cpu.eflags() & Cpu.VM);
        // The v86 frame: EIP CS EFLAGS ESP SS ES DS FS GS on the ring-0 stack (after the error
        // code).
        assertEquals(0x6000, m.read32(0x9000 - 24));
    }
}
