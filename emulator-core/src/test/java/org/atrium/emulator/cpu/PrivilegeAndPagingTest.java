package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrivilegeAndPagingTest {
    /*
     * Linked at 0x1000. Real mode: lgdt/lidt, PE=1, ljmpl $0x08,$pm32.
     * pm32: ds=es=ss=0x10, esp=0x9000, ltr $0x28 (TSS: esp0=0x9000, ss0=0x10)
     *   page table at 0x21000 identity-maps 4 MiB (user, writable) except page 0x1f0000;
     *   PDE[0] at 0x20000; cr3=0x20000; cr0.PG=1
     *   movl $0x11111111,0x1f0000          # #PF(2), handler maps the page, the write retries
     *   push $0x33; push $0xA000; pushf; push $0x3b; push $ring3; iret      # to ring 3
     * ring3: mov $0x33,%ax; mov %ax,%ds; int $0x40; hlt                   # HLT at CPL 3: #GP(0)
     * pf_handler: pop %ecx; mov %cr2,%ebx; movl $0x1f0007,PTE(0x1f0000); iret
     * int40_handler (DPL 3 gate): mov 4(%esp),%esi; mov 16(%esp),%edi; mov %esp,%ebp; iret
     * gp_handler: pop %edx; mov $0xd0,%eax; hlt
     * GDT: 08 code0, 10 data0, 28 TSS, 30 data3, 38 code3. IDT: 13, 14, 0x40.
     */
    private static final String PROGRAM =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 08 11 66 0f 01 1e 0e 11 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e c0 8e d0 bc 00 90 00 00"
                + " 66 b8 28 00 0f 00 d8 bf 00 10 02 00 b8 07 00 00 00 b9 00 04 00 00 fc ab 05 00"
                + " 10 00 00 e2 f8 c7 05 c0 17 02 00 00 00 00 00 c7 05 00 00 02 00 07 10 02 00 b8"
                + " 00 00 02 00 0f 22 d8 0f 20 c0 0d 00 00 00 80 0f 22 c0 eb 00 c7 05 00 00 1f 00"
                + " 11 11 11 11 6a 33 68 00 a0 00 00 9c 6a 3b 68 99 10 00 00 cf 66 b8 33 00 8e d8"
                + " cd 40 f4 59 0f 20 d3 c7 05 c0 17 02 00 07 00 1f 00 cf 8b 74 24 04 8b 7c 24 10"
                + " 89 e5 cf 5a b8 d0 00 00 00 f4 8d 74 26 00 90 00*8 ff ff 00 00 00 9a cf 00 ff ff"
                + " 00 00 00 92 cf 00*17 67 00 18 11 00 89 00 00 ff ff 00 00 00 f2 cf 00 ff ff 00"
                + " 00 00 fa cf 00 3f 00 c8 10 00 00 07 02 80 11 00 00 8d 74 26 00 00 00 00 00 00"
                + " 90 00 00 10 00*199 bc 10 08 00 00 8e 00 00 a2 10 08 00 00 8e 00*394 b1 10 08 00"
                + " 00 ee 00 00";

    @Test
    void pageFaultRingTransitionsThroughTheTssAndPrivilegedInstructionFault() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        m.startRealAt(0x1000, PROGRAM);
        m.runToHalt();
        assertTrue(cpu.halted());

        assertEquals(2, cpu.ecx(), "#PF error code: write to a not-present page from ring 0");
        assertEquals(0x1F0000, cpu.ebx(), "CR2 holds the faulting address");
        assertEquals(0x1F0000, cpu.cr2());
        assertEquals(0x11111111, m.read32(0x1F0000), "the write retried after the handler");

        assertEquals(0x3B, cpu.esi(), "INT from ring 3 pushed the ring-3 CS");
        assertEquals(0x33, cpu.edi(), "and the ring-3 SS");
        assertEquals(0x9000 - 20, cpu.ebp(), "on the ring-0 stack named by the TSS");

        assertEquals(0xD0, cpu.eax(), "HLT at CPL 3 raised #GP");
        assertEquals(0, cpu.edx(), "#GP(0)");
        assertEquals(0, cpu.cpl());
        assertEquals(0x08, cpu.cs());
        assertEquals(0x10, cpu.ss());
        assertEquals(0x9000 - 20, cpu.esp(), "ring-0 stack holds SS, ESP, EFLAGS, CS, EIP");
        assertEquals(0x33, m.read32(0x9000 - 4), "ring-3 SS saved by the #GP");
        assertEquals(0xA000, m.read32(0x9000 - 8), "ring-3 ESP saved by the #GP");
    }
}
