package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RealModeTest {
    private final TestMachine m = new TestMachine();
    private final Cpu cpu = m.cpu;

    @Test
    void resetStateFollowsTheSdm() {
        cpu.reset();
        assertEquals(0xF000, cpu.cs());
        assertEquals(0xFFFF0000, cpu.csBase());
        assertEquals(0xFFF0, cpu.eip());
        assertEquals(0x60000010, cpu.cr0());
        assertEquals(2, cpu.eflags());
        assertEquals(0x610, cpu.edx());
        assertEquals(0xFFFF, cpu.segmentLimit(Cpu.DS));
    }

    @Test
    void firstInstructionIsFetchedFromTheResetVector() {
        // At F000:FFF0 (linear FFFFFFF0, aliased to FFFF0): jmp far 1000:0000; at 1000:0 mov
        // ax,0x1234; hlt
        m.load(0xFFFF0, TestMachine.hex("ea 00 00 00 10"));
        m.load(0x10000, TestMachine.hex("b8 34 12 f4"));
        cpu.reset();
        m.runToHalt();
        assertEquals(0x1234, cpu.eax());
        assertEquals(0x1000, cpu.cs());
        assertEquals(0x10000, cpu.csBase());
    }

    @Test
    void arithmeticSetsFlagsAndMovesBytes() {
        // mov ax,0x7fff; add ax,1; pushf; pop bx; mov cx,0x1234; mov dx,0x5678; xchg cl,dh;
        // mov si,5; imul di,si,7; hlt
        m.startReal(0x100, "b8 ff 7f 83 c0 01 9c 5b b9 34 12 ba 78 56 86 ce be 05 00 6b fe 07 f4");
        m.runToHalt();
        assertEquals(0x8000, cpu.eax());
        int flags = cpu.ebx();
        assertTrue((flags & Cpu.OF) != 0, "OF after 0x7fff+1");
        assertTrue((flags & Cpu.SF) != 0, "SF after 0x7fff+1");
        assertTrue((flags & Cpu.AF) != 0, "AF after 0x7fff+1");
        assertEquals(0, flags & (Cpu.ZF | Cpu.CF));
        assertEquals(Cpu.PF, flags & Cpu.PF, "low byte 0x00 has even parity");
        assertEquals(0x1256, cpu.ecx());
        assertEquals(0x3478, cpu.edx());
        assertEquals(35, cpu.edi());
    }

    @Test
    void repStringOperations() {
        m.load(0x600, new byte[] {1, 2, 3, 4, 5});
        // xor ax,ax; mov ds,ax; mov es,ax; cld; si=600 di=700 cx=5 rep movsb;
        // si=600 di=700 cx=5 repe cmpsb; di=700 al=41 cx=3 rep stosb; di=700 al=42 cx=8 repne
        // scasb; hlt
        m.startReal(
                0x100,
                "31 c0 8e d8 8e c0 fc be 00 06 bf 00 07 b9 05 00 f3 a4 be 00 06 bf 00 07 b9 05 00"
                        + " f3 a6 bf 00 07 b0 41 b9 03 00 f3 aa bf 00 07 b0 42 b9 08 00 f2 ae f4");
        m.runToHalt();
        assertEquals(0x41, m.ram[0x700]);
        assertEquals(0x41, m.ram[0x702]);
        assertEquals(4, m.ram[0x703], "movsb copied, stosb overwrote only three bytes");
        assertEquals(5, m.ram[0x704]);
        // repne scasb for 0x42 over 41 41 41 04 05 00 00 00 exhausts CX without a match.
        assertEquals(0, cpu.ecx() & 0xFFFF);
        assertEquals(0x708, cpu.edi() & 0xFFFF);
        assertFalse((cpu.eflags() & Cpu.ZF) != 0);
    }

    @Test
    void fpuProbeSeesAnInitialisedControlAndStatusWord() {
        // ds=0; ax=0x5a5a; fninit; fnstsw %ax; fnstcw 0x600; fnstsw 0x602;
        // movw $0x027f,0x604; fldcw 0x604; fnstcw 0x606; hlt
        m.startRealAt(
                0x1000,
                "31 c0 8e d8 b8 5a 5a db e3 df e0 d9 3e 00 06 dd 3e 02 06 c7 06 04 06 7f 02 d9 2e"
                        + " 04 06 d9 3e 06 06 f4");
        m.runToHalt();
        assertEquals(0, cpu.eax() & 0xFFFF, "FNSTSW AX after FNINIT");
        assertEquals(0x037F, m.peek16(0x600), "FNINIT control word");
        assertEquals(0, m.peek16(0x602));
        assertEquals(0x027F, m.peek16(0x606), "FLDCW then FNSTCW");
    }
}
