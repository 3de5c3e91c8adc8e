package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.atrium.emulator.bus.IoPorts;
import org.junit.jupiter.api.Test;

/**
 * Mode switches, interrupt delivery and exceptions, each from a small program assembled with GNU
 * as.
 */
class ModeAndInterruptTest {
    private final TestMachine m = new TestMachine();
    private final Cpu cpu = m.cpu;

    private static final String PROTECTED_ROUND_TRIP =
            ModeAndInterruptTestPrograms.PROTECTED_ROUND_TRIP;

    @Test
    void realToProtectedAndBackKeepsBigRealLimits() {
        m.startRealAt(0x1000, PROTECTED_ROUND_TRIP);
        m.runToHalt();
        assertTrue(cpu.halted());
        assertFalse(cpu.protectedMode());
        assertEquals(0x30, cpu.ebx(), "INT 0x30 went through the IDT");
        assertEquals(0x58, cpu.ecx(), "#GP error code is the faulting selector");
        assertEquals(0xCAFEBABE, cpu.edx(), "unreal-mode read above 1 MiB");
        assertEquals(0, cpu.cs());
        assertEquals(0xFFFFFFFF, cpu.segmentLimit(Cpu.DS), "DS limit cached from protected mode");
        assertEquals(0xCAFEBABE, m.read32(0x100000));
    }

    /*
     * Linked at 0x1000 (labels: int21 0x56, nmi 0x59 (an iret), irq8 0x5a, skip2 0x60):
     *   cli; ds=ss=0; sp=0x7000; IVT[0x21]=int21; IVT[8]=irq8; IVT[0]=IVT[6]=skip2
     *   int $0x21; xor %dx,%dx; mov $1,%ax; xor %cx,%cx; div %cx; ud2
     *   sti; hlt; mov %ax,%bp; cli; hlt; sti; mov $5,%ax; mov $6,%ax; cli; hlt
     * int21: mov $0x21,%bx; nmi: iret
     * irq8: mov %ax,%cx; mov $0x88,%ax; iret
     * skip2: inc %si; push %bp; mov %sp,%bp; addw $2,2(%bp); pop %bp; iret   (skips a 2-byte fault)
     */
    private static final String INTERRUPTS =
            "fa 31 c0 8e d8 8e d0 bc 00 70 c7 06 84 00 56 10 c7 06 86 00 00 00 c7 06 20 00 5a 10"
                    + " c7 06 22 00 00 00 c7 06 00 00 60 10 c7 06 02 00 00 00 c7 06 18 00 60 10 c7"
                    + " 06 1a 00 00 00 cd 21 31 d2 b8 01 00 31 c9 f7 f1 0f 0b fb f4 89 c5 fa f4 fb"
                    + " b8 05 00 b8 06 00 fa f4 bb 21 00 cf 89 c1 b8 88 00 cf 46 55 89 e5 83 46 02"
                    + " 02 5d cf";

    @Test
    void realModeInterruptsExceptionsAndHalt() {
        m.startRealAt(0x1000, INTERRUPTS);
        m.runToHalt();
        assertTrue(cpu.halted());
        assertEquals(0x21, cpu.ebx() & 0xFFFF, "INT 0x21 through the IVT");
        assertEquals(2, cpu.esi() & 0xFFFF, "#DE and #UD both reached their IVT handler");

        assertEquals(0, cpu.run(100), "halted with no interrupt pending");
        m.vectors.add(8);
        m.runToHalt();
        assertEquals(0x88, cpu.ebp() & 0xFFFF, "IRQ woke HLT and returned after it");
        assertEquals(1, cpu.ecx() & 0xFFFF);

        // Halted with IF=0: a pending IRQ must not wake it, an NMI must.
        m.vectors.add(8);
        assertEquals(0, cpu.run(100));
        assertTrue(cpu.halted());
        m.write16(2 * 4, 0x1059);
        m.write16(2 * 4 + 2, 0);
        cpu.nmi();
        m.runToHalt();
        // After the NMI's IRET: sti; mov $5 (shadow: no interrupt yet); IRQ; mov $6.
        assertEquals(5, cpu.ecx() & 0xFFFF, "interrupt taken one instruction after STI");
        assertEquals(6, cpu.eax() & 0xFFFF);
    }

    /* xor %ax,%ax; mov %ax,%ds; lidtl idtr (limit 0); ud2 */
    @Test
    void exceptionWithNoUsableIdtIsATripleFault() {
        m.startRealAt(0x1000, "31 c0 8e d8 66 0f 01 1e 0c 10 0f 0b 00 00 00 00 00 00");
        cpu.run(100);
        assertTrue(cpu.shutdownRequested());
        assertEquals(0, cpu.run(100), "a shut-down CPU executes nothing until reset");
        cpu.reset();
        assertFalse(cpu.shutdownRequested());
    }

    @Test
    void emulatorErrorsStopTheCpuInsteadOfThrowing() {
        IoPorts broken =
                new IoPorts() {
                    @Override
                    public int in(int port, int size) {
                        throw new IllegalStateException("device bug");
                    }

                    @Override
                    public void out(int port, int size, int value) {}
                };
        Cpu c = new Cpu(m, broken, m, () -> 0);
        m.load(0x1000, TestMachine.hex("e4 60 f4")); // in $0x60,%al; hlt
        c.setSegmentReal(Cpu.CS, 0);
        c.setEip(0x1000);
        c.run(10);
        assertNotNull(c.failure());
        assertTrue(c.failure().message().contains("0000:00001000"), c.failure().message());
        assertEquals(0, c.run(10));
    }

    @Test
    void undefinedOpcodeRaisesInvalidOpcode() {
        // IVT[6] -> 0000:0x2000 where "mov $0x66,%bx; hlt"; 0F FF is undefined.
        m.write16(6 * 4, 0x2000);
        m.write16(6 * 4 + 2, 0);
        m.load(0x2000, TestMachine.hex("bb 66 00 f4"));
        m.startRealAt(0x1000, "0f ff");
        m.runToHalt();
        assertEquals(0x66, cpu.ebx());
        assertEquals(0x1000, m.peek16(0x7000 - 6), "#UD pushes the faulting IP");
    }

    @Test
    void trapFlagSingleStepsFromTheInstructionAfterPopf() {
        /*
         * ds=0; IVT[1]=handler; xor %si,%si; pushf; pop %ax; or $0x100,%ax; push %ax; popf
         * nop; nop; pushf; pop %ax; and $0xfeff,%ax; push %ax; popf; hlt
         * handler: inc %si; iret
         */
        m.startRealAt(
                0x1000,
                "31 c0 8e d8 c7 06 04 00 23 10 c7 06 06 00 00 00 31 f6 9c 58 0d 00 01 50 9d 90 90"
                        + " 9c 58 25 ff fe 50 9d f4 46 cf");
        m.runToHalt();
        // Traps after: nop, nop, pushf, pop, and, push, and the POPF that clears TF.
        assertEquals(7, cpu.esi() & 0xFFFF);
        assertEquals(0, cpu.eflags() & Cpu.TF);
    }
}
