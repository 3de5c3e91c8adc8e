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

    /*
     * Linked at 0x1000. Real mode -> PM as above, ltr $0x28, IRET to ring 3 (IOPL 0):
     * ring3: mov $0x42,%al; out %al,$0x80 (bitmap allows); out %al,$0x81 (bitmap denies: #GP(0))
     * gp_handler: pop %edx; mov $0xd0,%eax; mov %esp,%esi; int $0x41; hlt
     *   (gate 0x41 not present: #NP; the #NP gate is not present either: #NP again = #DF)
     * df_handler: pop %ecx; mov $0xdf,%ebx; hlt
     * TSS: esp0=0x9000, ss0=0x10, I/O map at 0x68: 16 x 0xff, 0xfe (port 0x80 clear), 0xff.
     */
    private static final String IO_BITMAP_AND_DOUBLE_FAULT =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 a8 10 66 0f 01 1e ae 10 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e c0 8e d0 bc 00 90 00 00"
                + " 66 b8 28 00 0f 00 d8 6a 33 68 00 a0 00 00 9c 6a 3b 68 4e 10 00 00 cf b0 42 e6"
                + " 80 e6 81 f4 5a b8 d0 00 00 00 89 e6 cd 41 f4 59 bb df 00 00 00 f4 90 00*8 ff ff"
                + " 00 00 00 9a cf 00 ff ff 00 00 00 92 cf 00*17 79 00 b8 10 00 89 00 00 ff ff 00"
                + " 00 00 f2 cf 00 ff ff 00 00 00 fa cf 00 3f 00 68 10 00 00 0f 02 38 11 00 00 8d"
                + " 74 26 00 00 00 00 00 00 90 00 00 10 00*93 68 00 ff*16 fe ff 8d b6 00*68 60 10"
                + " 08 00 00 8e 00*18 60 10 08 00 00 0e 00*10 55 10 08 00 00 8e 00*410 60 10 08 00"
                + " 00 0e 00 00";

    @Test
    void ioPermissionBitmapAndDoubleFault() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        m.startRealAt(0x1000, IO_BITMAP_AND_DOUBLE_FAULT);
        m.runToHalt();
        assertEquals(1, m.outs.size(), "only the permitted OUT reached the bus");
        assertEquals(0x80, m.outs.get(0)[0]);
        assertEquals(0x42, m.outs.get(0)[2]);
        assertEquals(0xD0, cpu.eax(), "the denied OUT raised #GP");
        assertEquals(0, cpu.edx());
        assertEquals(0xDF, cpu.ebx(), "#NP while delivering #NP became #DF");
        assertEquals(0, cpu.ecx(), "#DF pushes error code 0");
    }

    @Test
    void tlbKeepsAStaleTranslationUntilInvlpgAndWritesSetTheDirtyBit() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        // Page directory at 0x20000 -> page table at 0x21000 identity-mapping 4 MiB (user,
        // writable).
        for (int i = 0; i < 1024; i++) {
            m.write32(0x21000 + i * 4, (i << 12) | 7);
        }
        m.write32(0x20000, 0x21007);
        m.write32(0x1F0000, 0xAAAA);
        m.write32(0x1E0000, 0xBBBB);
        /*
         * mov 0x1f0000,%eax; movl $0x1e0007,PTE(0x1f0000)   (remap without telling the TLB)
         * mov 0x1f0000,%ebx; invlpg 0x1f0000; mov 0x1f0000,%ecx; movl $5,0x1f0000; hlt
         */
        m.startFlat32(
                "a1 00 00 1f 00 c7 05 c0 17 02 00 07 00 1e 00 8b 1d 00 00 1f 00 0f 01 3d 00 00 1f"
                        + " 00 8b 0d 00 00 1f 00 c7 05 00 00 1f 00 05 00 00 00 f4");
        CpuState s = cpu.state();
        cpu.restore(
                new CpuState(
                        s.registers(),
                        s.eip(),
                        s.eflags(),
                        s.segments(),
                        s.ldtr(),
                        s.tr(),
                        s.gdtBase(),
                        s.gdtLimit(),
                        s.idtBase(),
                        s.idtLimit(),
                        0x80000011,
                        0,
                        0x20000,
                        0,
                        s.debugRegisters(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        s.fpu(),
                        false,
                        false,
                        false,
                        false,
                        false));
        m.runToHalt();
        assertEquals(0xAAAA, cpu.eax());
        assertEquals(0xAAAA, cpu.ebx(), "the cached translation is used until INVLPG");
        assertEquals(0xBBBB, cpu.ecx(), "after INVLPG the new mapping is walked");
        assertEquals(5, m.read32(0x1E0000));
        assertEquals(0x60, m.read32(0x21000 + 0x1F0 * 4) & 0x60, "write set accessed and dirty");
        assertEquals(0x20, m.read32(0x21000 + 1 * 4) & 0x60, "fetching code sets only A");
        assertEquals(0x20, m.read32(0x20000) & 0x20, "PDE accessed");
    }

    /*
     * Linked at 0x1000. Real mode -> 32-bit PM; ds=ss=0x10; movl $0x1234,0x5000
     * fs=0x18 (read-only data): mov %fs:0x5000,%eax (fine); movl $1,%fs:0x5000 (#GP)
     * mov $0x20,%dx; mov %dx,%gs (16-bit expand-down, limit 0xfff):
     *   mov %gs:0x2000,%ebx (fine); mov %gs:0x800,%ecx (#GP)
     * movl $7,%cs:0x5000 (#GP: code segments are not writable); hlt
     * gp_handler: pop %edx; inc %esi; add %edi,(%esp); iret      (EDI = length of the faulting insn)
     */
    private static final String SEGMENT_TYPES =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 b8 10 66 0f 01 1e be 10 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e d0 bc 00 90 00 00 31 f6"
                + " c7 05 00 50 00 00 34 12 00 00 66 b8 18 00 8e e0 64 a1 00 50 00 00 bf 0b 00 00"
                + " 00 64 c7 05 00 50 00 00 01 00 00 00 66 ba 20 00 8e ea 65 8b 1d 00 20 00 00 bf"
                + " 07 00 00 00 65 8b 0d 00 08 00 00 bf 0b 00 00 00 2e c7 05 00 50 00 00 07 00 00"
                + " 00 f4 5a 46 01 3c 24 cf 8d 76 00*9 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf"
                + " 00 ff ff 00 00 00 90 cf 00 ff 0f 00 00 00 96 00 00 27 00 90 10 00 00 6f 00 c8"
                + " 10 00 00 8d 74 26 00*105 87 10 08 00 00 8e 00 00";

    @Test
    void segmentTypesAndExpandDownLimitsAreEnforced() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        m.write32(0x2000, 0x5678);
        m.startRealAt(0x1000, SEGMENT_TYPES);
        m.runToHalt();
        assertEquals(0x1234, cpu.eax(), "read through a read-only segment");
        assertEquals(
                0x1234, m.read32(0x5000), "writes through read-only and code segments faulted");
        assertEquals(0x5678, cpu.ebx(), "expand-down: offsets above the limit are valid");
        assertEquals(
                3, cpu.esi(), "three #GPs: read-only write, below expand-down limit, code write");
        assertEquals(0, cpu.ecx());
        assertEquals(0, cpu.edx(), "#GP(0)");
    }

    /*
     * Linked at 0x1000. Real mode -> 32-bit PM, ltr $0x28 (esp0=0x9000, ss0=0x10), IRET to ring 3:
     * ring3: push $0xABCD; lcall $0x43,$0 (32-bit call gate, DPL 3, one parameter, to 0x08:gate_target)
     *   mov %esp,%edi; hlt
     * gate_target: mov 8(%esp),%esi; mov 4(%esp),%ebx; mov %esp,%ebp; lret $4
     * gp_handler: pop %edx; mov $0xd0,%eax; hlt
     */
    private static final String CALL_GATE =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 c0 10 66 0f 01 1e c6 10 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e c0 8e d0 bc 00 90 00 00"
                + " 66 b8 28 00 0f 00 d8 6a 33 68 00 a0 00 00 9c 6a 3b 68 4e 10 00 00 cf 68 cd ab"
                + " 00 00 9a 00 00 00 00 43 00 89 e7 f4 8b 74 24 08 8b 5c 24 04 89 e5 ca 04 00 5a"
                + " b8 d0 00 00 00 f4 8d b4 26 00*12 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf"
                + " 00*17 67 00 d0 10 00 89 00 00 ff ff 00 00 00 f2 cf 00 ff ff 00 00 00 fa cf 00"
                + " 5d 10 08 00 01 ec 00 00 47 00 78 10 00 00 6f 00 38 11 00 00 8d 74 26 00 00 00"
                + " 00 00 00 90 00 00 10 00*199 6a 10 08 00 00 8e 00 00";

    @Test
    void callGateRaisesPrivilegeCopiesParametersAndFarReturnGoesBack() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        m.startRealAt(0x1000, CALL_GATE);
        m.runToHalt();
        assertEquals(0xABCD, cpu.esi(), "the gate copied one parameter to the ring-0 stack");
        assertEquals(0x3B, cpu.ebx(), "the caller's CS was pushed");
        assertEquals(0x9000 - 20, cpu.ebp(), "ring-0 stack: SS, ESP, parameter, CS, EIP");
        assertEquals(0xA000, cpu.edi(), "LRET $4 returned to ring 3 and dropped the parameter");
        assertEquals(0xD0, cpu.eax(), "then HLT at CPL 3 faulted");
        assertEquals(0, cpu.cpl());
    }

    /*
     * Linked at 0x1000. Real mode -> 32-bit PM; ltr $0x28 (task 1).
     * task 1: mov $0x11,%edx; lcall $0x30,$0 (TSS of task 2); mov %edx,%edi
     *   int $0x40 (task gate to task 2); str %si; hlt
     * task 2 (EIP, ESP=0xb000, flat segments from its TSS):
     *   incl 0x6000; pushf; pop 0x6004; str 0x6008; mov $0x99,%edx; iret; jmp task2
     */
    private static final String TASKS =
            "fa 31 c0 8e d8 8e d0 bc 00 70 66 0f 01 16 a8 10 66 0f 01 1e ae 10 0f 20 c0 66 83 c8 01"
                + " 0f 22 c0 66 ea 28 10 00 00 08 00 66 b8 10 00 8e d8 8e c0 8e d0 bc 00 90 00 00"
                + " 66 b8 28 00 0f 00 d8 ba 11 00 00 00 9a 00 00 00 00 30 00 89 d7 cd 40 66 0f 00"
                + " ce f4 ff 05 00 60 00 00 9c 8f 05 04 60 00 00 0f 00 0d 08 60 00 00 ba 99 00 00"
                + " 00 cf eb e4 90 00*8 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf 00*17 67 00 b8"
                + " 10 00 89 00 00 67 00 20 11 00 89 00 00 37 00 70 10 00 00 07 02 88 11 00 00 8d"
                + " 74 26 00*137 53 10 00 00 02 00*20 b0 00*14 10 00 00 00 08 00 00 00 10 00 00 00"
                + " 10 00 00 00 10 00 00 00 10 00*9 68 00*515 30 00 00 85 00 00";

    @Test
    void taskSwitchesThroughCallTaskGateAndNestedIret() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        m.startRealAt(0x1000, TASKS);
        m.runToHalt();
        assertEquals(2, m.read32(0x6000), "task 2 ran twice: by CALL and by the task gate");
        assertEquals(Cpu.NT, m.read32(0x6004) & Cpu.NT, "a called task runs nested");
        assertEquals(0x30, m.read32(0x6008) & 0xFFFF, "TR named task 2 inside it");
        assertEquals(0x11, cpu.edi(), "task 1's registers came back from its TSS");
        assertEquals(0x11, cpu.edx());
        assertEquals(0x28, cpu.esi() & 0xFFFF, "IRET returned to task 1");
        assertEquals(0x28, cpu.state().tr().selector());
        assertEquals(8, cpu.cr0() & 8, "CR0.TS set by the switch");
        int gdt = cpu.gdtBase();
        assertEquals(0x8B, m.read8(gdt + 0x28 + 5), "task 1 busy");
        assertEquals(0x89, m.read8(gdt + 0x30 + 5), "task 2 available again after IRET");
        int tss2 = m.read16(gdt + 0x30 + 2);
        assertEquals(0x28, m.read16(tss2), "task 2's back link names task 1");
        assertEquals(0, cpu.eflags() & Cpu.NT);
    }

    @Test
    void sysenterAndSysexitUseTheMsrsAndFlatSegments() {
        TestMachine m = new TestMachine();
        Cpu cpu = m.cpu;
        /*
         * wrmsr SYSENTER_CS=0x08, SYSENTER_ESP=0x9000, SYSENTER_EIP=target; sysenter
         * target: mov %esp,%ebx; mov $0xA000,%ecx; mov $back,%edx; sysexit
         * back: mov %cs,%esi; hlt
         */
        m.startFlat32(
                "b9 74 01 00 00 b8 08 00 00 00 31 d2 0f 30 b9 75 01 00 00 b8 00 90 00 00 0f 30 b9"
                        + " 76 01 00 00 b8 28 10 00 00 0f 30 0f 34 89 e3 b9 00 a0 00 00 ba 36 10 00"
                        + " 00 0f 35 8c ce f4");
        CpuState s = cpu.state();
        cpu.restore(
                new CpuState(
                        s.registers(),
                        s.eip(),
                        s.eflags(),
                        s.segments(),
                        s.ldtr(),
                        s.tr(),
                        s.gdtBase(),
                        s.gdtLimit(),
                        s.idtBase(),
                        s.idtLimit(),
                        0x11,
                        0,
                        0,
                        0,
                        s.debugRegisters(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        s.fpu(),
                        false,
                        false,
                        false,
                        false,
                        false));
        // Ten instructions set the MSRs, then SYSENTER, four at ring 0 and MOV %CS,%ESI at ring 3.
        assertEquals(16, cpu.run(16));
        assertEquals(0x9000, cpu.ebx(), "SYSENTER loaded ESP from its MSR");
        assertEquals(0x1B, cpu.esi(), "SYSEXIT: CS = SYSENTER_CS + 16, RPL 3");
        assertEquals(0x23, cpu.ss());
        assertEquals(0xA000, cpu.esp());
        assertEquals(3, cpu.cpl());
    }
}
