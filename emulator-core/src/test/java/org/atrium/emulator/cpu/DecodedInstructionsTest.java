package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.atrium.emulator.bus.CodeWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU's cache of decoded instructions must never run stale code: every program here runs an
 * instruction, changes its bytes (by a store of its own, in the same page or another, by a string
 * instruction, by a write that bypasses the CPU as a device's DMA does, or by remapping the page)
 * and runs it again; with RAM whose writes are tracked ({@link CodeWatch}), where the cache trusts
 * a block checked in the current epoch, and without, where it compares each block with RAM.
 */
class DecodedInstructionsTest {
    private static void assertHalted(TestMachine m) {
        m.runToHalt();
        assertTrue(m.cpu.halted(), "program ran to its HLT");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aStoreChangesAnInstructionItAlreadyRanInTheSamePage(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // mov ecx,2; L: mov eax,0x11111111; mov dword [0x1006],0x22222222; dec ecx; jnz L; hlt
        m.startFlat32("b9 02 00 00 00 b8 11 11 11 11 c7 05 06 10 00 00 22 22 22 22 49 75 ee f4");
        assertHalted(m);
        assertEquals(0x22222222, m.cpu.eax(), "the second pass ran the rewritten immediate");
    }

    @Test
    void aLoopBackToItsBlocksStartRunsExactlyTheBudgetItIsGiven() {
        // mov ecx,100; L: add eax,ecx; dec ecx; jnz L; hlt: one block jumping to its own start
        String code = "b9 64 00 00 00 01 c8 49 75 fb f4";
        for (int budget : new int[] {1, 2, 3, 4, 10, 11, 12, 299, 300, 301, 302}) {
            TestMachine looped = new TestMachine(true);
            TestMachine plain = new TestMachine(false);
            looped.startFlat32(code);
            plain.startFlat32(code);
            int ranLooped = looped.cpu.run(budget);
            int ranPlain = plain.cpu.run(budget);
            assertEquals(ranPlain, ranLooped, "steps for a budget of " + budget);
            assertEquals(plain.cpu.eip(), looped.cpu.eip(), "EIP after " + budget);
            assertEquals(plain.cpu.ecx(), looped.cpu.ecx(), "ECX after " + budget);
            assertEquals(plain.cpu.eax(), looped.cpu.eax(), "EAX after " + budget);
        }
        TestMachine m = new TestMachine(true);
        m.startFlat32(code);
        // 1 + 3 * 100 instructions, then the HLT
        assertEquals(302, m.cpu.run(1000));
        assertTrue(m.cpu.halted());
        assertEquals(5050, m.cpu.eax());
    }

    /**
     * mov ecx,50; L: call 0x2000; add eax,ecx; dec ecx; jnz L; hlt, with 0x2000: inc ebx; jmp
     * 0x2100 and 0x2100: add edx,2; ret: blocks in two pages, each linked to the next once it ran.
     */
    private static TestMachine callsIntoAnotherPage(boolean decodedBlocks) {
        TestMachine m = new TestMachine(decodedBlocks);
        m.load(0x2000, TestMachine.hex("43 e9 fa 00 00 00"));
        m.load(0x2100, TestMachine.hex("83 c2 02 c3"));
        m.startFlat32("b9 32 00 00 00 e8 f6 0f 00 00 01 c8 49 75 f6 f4");
        return m;
    }

    @Test
    void blocksThatGoOnToTheirLinkedBlocksRunExactlyTheBudgetTheyAreGiven() {
        // A block goes on to the next without leaving the CPU's run loop, within its budget and in
        // another page.
        for (int budget = 1; budget <= 360; budget += budget < 40 ? 1 : 29) {
            TestMachine chained = callsIntoAnotherPage(true);
            TestMachine plain = callsIntoAnotherPage(false);
            String after = "after a budget of " + budget;
            // Twice: the second slice starts where the first stopped, with the links known.
            for (int slice = 0; slice < 2; slice++) {
                assertEquals(plain.cpu.run(budget), chained.cpu.run(budget), "steps " + after);
                assertEquals(plain.cpu.eip(), chained.cpu.eip(), "EIP " + after);
                for (int r = 0; r < 8; r++) {
                    assertEquals(plain.cpu.register(r), chained.cpu.register(r), after);
                }
            }
        }
        TestMachine m = callsIntoAnotherPage(true);
        assertHalted(m);
        assertEquals(1275, m.cpu.eax(), "50 + 49 + ... + 1");
        assertEquals(50, m.cpu.ebx());
        assertEquals(0x610 + 100, m.cpu.edx(), "EDX from reset, plus 2 per call");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aLinkedBlockWhoseCodeWasChangedIsDecodedAfresh(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        m.load(0x2000, TestMachine.hex("b8 00 01 00 00 c3")); // mov eax,0x100; ret
        // mov ecx,3; L: call 0x2000; add ebx,eax; mov [0x2001],ecx; dec ecx; jnz L; hlt
        // From the second pass the block at L is linked to the one at 0x2000, whose immediate
        // each pass has just changed.
        m.startFlat32("b9 03 00 00 00 e8 f6 0f 00 00 01 c3 89 0d 01 20 00 00 49 75 f0 f4");
        assertHalted(m);
        assertEquals(0x100 + 3 + 2, m.cpu.ebx(), "each pass ran the immediate stored before it");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aStoreChangesTheNextInstructionJustBeforeItRunsAgain(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // mov ecx,3; L: mov [0x100c],cl; mov al,0; dec ecx; jnz L; hlt
        m.startFlat32("b9 03 00 00 00 88 0d 0c 10 00 00 b0 00 49 75 f5 f4");
        assertHalted(m);
        assertEquals(1, m.cpu.eax() & 0xFF, "each pass ran the immediate stored just before");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aStoreChangesAnInstructionItAlreadyRanInAnotherPage(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        m.load(0x2000, TestMachine.hex("b8 11 11 11 11 c3")); // mov eax,0x11111111; ret
        // call 0x2000; mov ebx,eax; mov dword [0x2001],0x22222222; call 0x2000; hlt
        m.startFlat32("e8 fb 0f 00 00 89 c3 c7 05 01 20 00 00 22 22 22 22 e8 ea 0f 00 00 f4");
        assertHalted(m);
        assertEquals(0x11111111, m.cpu.ebx());
        assertEquals(0x22222222, m.cpu.eax(), "the second call ran the rewritten immediate");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void anInstructionAcrossAPageBoundarySeesAStoreToItsSecondPage(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        m.load(0x1FFE, TestMachine.hex("b8 11 11 11 11 c3")); // mov eax,0x11111111; ret
        // mov ecx,2; L: call 0x1ffe; mov byte [0x2001],0x33; dec ecx; jnz L; hlt
        m.startFlat32("b9 02 00 00 00 e8 f4 0f 00 00 c6 05 01 20 00 00 33 49 75 f1 f4");
        assertHalted(m);
        assertEquals(0x11331111, m.cpu.eax());
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aWriteThatBypassesTheCpuChangesCodeItAlreadyRan(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // L: mov eax,0x11111111; jmp L
        m.startFlat32("b8 11 11 11 11 eb f9");
        assertEquals(10, m.cpu.run(10));
        assertEquals(0x11111111, m.cpu.eax());
        // As a disk controller's DMA does: straight into RAM, not through the CPU.
        m.load(0x1001, TestMachine.hex("22 22 22 22"));
        assertEquals(10, m.cpu.run(10));
        assertEquals(0x22222222, m.cpu.eax());
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void codeAtALinearAddressFollowsItsPageWhenTheMappingChanges(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // Page directory at 0x20000, one page table at 0x21000 mapping the first 2 MiB to
        // themselves except linear 0x5000, which maps to physical 0x6000.
        writeLe32(m, 0x20000, 0x21007);
        for (int i = 0; i < 512; i++) {
            writeLe32(m, 0x21000 + 4 * i, (i << 12) | 7);
        }
        writeLe32(m, 0x21000 + 4 * 5, 0x6007);
        m.load(0x6000, TestMachine.hex("b8 11 11 11 11 c3")); // mov eax,0x11111111; ret
        m.load(0x7000, TestMachine.hex("b8 22 22 22 22 c3")); // mov eax,0x22222222; ret
        // mov eax,0x20000; mov cr3,eax; mov eax,cr0; or eax,0x80000001; mov cr0,eax;
        // call 0x5000; mov ebx,eax; mov dword [0x21014],0x7007; mov eax,cr3; mov cr3,eax;
        // call 0x5000; hlt
        m.startFlat32(
                "b8 00 00 02 00 0f 22 d8 0f 20 c0 0d 01 00 00 80 0f 22 c0 e8 e8 3f 00 00 89 c3"
                        + " c7 05 14 10 02 00 07 70 00 00 0f 20 d8 0f 22 d8 e8 d1 3f 00 00 f4");
        assertHalted(m);
        assertEquals(0x11111111, m.cpu.ebx(), "linear 0x5000 first ran physical 0x6000");
        assertEquals(0x22222222, m.cpu.eax(), "then, remapped, physical 0x7000");
    }

    @Test
    void aFaultInsideAFusedRunOfPushesLeavesThoseBeforeItRetired() {
        // Paging on, with linear 0x8000-0x8FFF not present; ESP 0x9008. Of the run of four
        // pushes (one fused group), the third faults: without an IDT the fault ends in a shutdown,
        // with the two pushes before it done and the fault's address in CR2.
        TestMachine[] boards = {new TestMachine(true), new TestMachine(false)};
        int[] ran = new int[boards.length];
        for (int k = 0; k < boards.length; k++) {
            TestMachine m = boards[k];
            writeLe32(m, 0x20000, 0x21007);
            for (int i = 0; i < 512; i++) {
                writeLe32(m, 0x21000 + 4 * i, i == 8 ? 0 : (i << 12) | 7);
            }
            // mov eax,0x20000; mov cr3,eax; mov eax,cr0; or eax,0x80000001; mov cr0,eax;
            // mov esp,0x9008; mov eax,0x11111111; mov ebx,0x22222222; mov ecx,0x33333333;
            // push eax; push ebx; push ecx; push edx; hlt
            m.startFlat32(
                    "b8 00 00 02 00 0f 22 d8 0f 20 c0 0d 01 00 00 80 0f 22 c0 bc 08 90 00 00"
                            + " b8 11 11 11 11 bb 22 22 22 22 b9 33 33 33 33 50 53 51 52 f4");
            ran[k] = m.cpu.run(1000);
            assertTrue(m.cpu.shutdownRequested(), "the fault in the run ended in a shutdown");
            assertEquals(0x9000, m.cpu.esp(), "the two pushes before the fault retired");
            assertEquals(0x11111111, m.read32(0x9004));
            assertEquals(0x22222222, m.read32(0x9000));
            assertEquals(0x8FFC, m.cpu.cr2(), "the third push faulted");
        }
        assertEquals(ran[1], ran[0], "instructions counted");
        assertEquals(boards[1].cpu.eip(), boards[0].cpu.eip(), "EIP at the shutdown");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aPushInAFusedRunThatOverwritesTheNextPushesRunsTheNewCode(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // mov esp,0x1010; mov eax,0xF4909090; push eax; push ebx; push ecx; push edx (at
        // 0x100A-0x100D, one fused run). The first push stores 90 90 90 F4 over 0x100C-0x100F: the
        // third and fourth pushes become NOPs, then a NOP and a HLT.
        m.startFlat32("bc 10 10 00 00 b8 90 90 90 f4 50 53 51 52 cc cc");
        assertHalted(m);
        assertEquals(0x1008, m.cpu.esp(), "two pushes ran, the third and fourth were rewritten");
        assertEquals(0x1010, m.cpu.eip(), "after the HLT the first push stored");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aCompareThatRewritesTheJccAfterItRunsTheNewJcc(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // mov eax,0; sub byte [0x100D],1; jnz +2 (at 0x100C, fused with the SUB); inc eax;
        // inc ebx; hlt. The SUB turns the JNZ's displacement into 1, so the taken jump lands on
        // INC EBX, not on the HLT.
        m.startFlat32("b8 00 00 00 00 80 2d 0d 10 00 00 01 75 02 40 43 f4");
        assertHalted(m);
        assertEquals(0, m.cpu.eax(), "the jump was taken");
        assertEquals(1, m.cpu.ebx(), "with the displacement the SUB stored");
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aResetCpuRunsTheCodeNowInMemory(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        m.startFlat32("b8 11 11 11 11 f4");
        assertHalted(m);
        m.startFlat32("b8 22 22 22 22 f4");
        assertHalted(m);
        assertEquals(0x22222222, m.cpu.eax());
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void repeatedStringStoresChangeCodeItAlreadyRan(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        m.load(0x2000, TestMachine.hex("b8 11 11 11 11 c3")); // mov eax,0x11111111; ret
        m.load(0x3000, TestMachine.hex("33 33 33 33"));
        // mov [0x2100],eax; mov ecx,[0x3000] (so that both pages take the CPU's fast paths, and
        // the string instructions their block path); call 0x2000; mov ebx,eax; cld; mov al,0x22;
        // mov edi,0x2001; mov ecx,4; rep stosb; call 0x2000; mov edx,eax; mov esi,0x3000;
        // mov edi,0x2001; mov ecx,4; rep movsb; call 0x2000; hlt
        m.startFlat32(
                "a3 00 21 00 00 8b 0d 00 30 00 00 e8 f0 0f 00 00 89 c3 fc b0 22 bf 01 20 00 00"
                        + " b9 04 00 00 00 f3 aa e8 da 0f 00 00 89 c2 be 00 30 00 00 bf 01 20 00"
                        + " 00 b9 04 00 00 00 f3 a4 e8 c2 0f 00 00 f4");
        assertHalted(m);
        assertEquals(0x11111111, m.cpu.ebx());
        assertEquals(0x22222222, m.cpu.edx(), "REP STOSB rewrote the immediate");
        assertEquals(0x33333333, m.cpu.eax(), "REP MOVSB rewrote it again");
    }

    @Test
    void aBlockCheckedInTheCurrentEpochIsTrustedUntilItsPageIsWritten() {
        byte[] ram = new byte[1 << 16];
        MemorySegment segment = MemorySegment.ofArray(ram);
        CodeWatch watch = new CodeWatch(ram.length);
        byte[] code = TestMachine.hex("b8 11 11 11 11 c3 c3"); // mov eax,0x11111111; ret; ret
        System.arraycopy(code, 0, ram, 0x2000, code.length);
        DecodedInstructions cache = new DecodedInstructions(segment, watch);
        int first = cache.lookup(0x2000, true, 0x1000);
        assertEquals(2, DecodedInstructions.count(cache.pool[first]));
        assertEquals(first, cache.lookup(0x2000, true, 0x1000));

        // A write nobody is told of is not seen: the block is not compared with RAM again.
        ram[0x2005] = 0x40; // inc eax
        assertEquals(first, cache.lookup(0x2000, true, 0x1000));
        assertEquals(2, DecodedInstructions.count(cache.pool[first]));

        // A store to another page leaves it trusted; one to its page makes it compared again.
        watch.stored(0x3000);
        assertEquals(first, cache.lookup(0x2000, true, 0x1000));
        watch.stored(0x2FFF);
        int again = cache.lookup(0x2000, true, 0x1000);
        assertNotEquals(first, again, "decoded afresh");
        assertEquals(3, DecodedInstructions.count(cache.pool[again]), "mov, inc, ret");

        // Without write tracking every lookup compares.
        DecodedInstructions untracked = new DecodedInstructions(segment, null);
        int b = untracked.lookup(0x2000, true, 0x1000);
        ram[0x2005] = (byte) 0xC3;
        assertNotEquals(b, untracked.lookup(0x2000, true, 0x1000));
    }

    @Test
    void theGroup3FormsRunAlikeFromDecodedBlocks() {
        // mov eax,7; mov ecx,3; mul ecx; not eax; neg eax; test eax,0x10; mov ebx,5;
        // xor edx,edx; div ebx; test bl,4; hlt
        String program =
                "b8 07 00 00 00 b9 03 00 00 00 f7 e1 f7 d0 f7 d8 f7 c0 10 00 00 00"
                        + " bb 05 00 00 00 31 d2 f7 f3 f6 c3 04 f4";
        for (boolean decoded : new boolean[] {true, false}) {
            TestMachine m = new TestMachine(decoded);
            m.startFlat32(program);
            assertHalted(m);
            assertEquals(4, m.cpu.eax(), "22 / 5, decoded blocks " + decoded);
            assertEquals(2, m.cpu.edx(), "22 % 5");
            assertEquals(0, m.cpu.eflags() & 0x40, "ZF clear: 5 & 4 is not zero");
        }
    }

    @Test
    void operandSizePrefixedFormsRunAlikeFromDecodedBlocks() {
        // mov eax,0x12345678; mov bx,ax; add ax,0xffff; shl ax,4; add bx,-1; nop (66 90);
        // mov word [0x2000],0x1234; mov cx,[0x2000]; mov si,[cs:0x2000] (66 2e);
        // mul bx; hlt
        String program =
                "b8 78 56 34 12 66 89 c3 66 05 ff ff 66 c1 e0 04 66 83 c3 ff 66 90"
                        + " 66 c7 05 00 20 00 00 34 12 66 8b 0d 00 20 00 00"
                        + " 66 2e 8b 35 00 20 00 00 66 f7 e3 f4";
        for (boolean decoded : new boolean[] {true, false}) {
            TestMachine m = new TestMachine(decoded);
            m.startFlat32(program);
            assertHalted(m);
            String how = "decoded blocks " + decoded;
            assertEquals(0x1234B510, m.cpu.eax(), how + ": AX = low half of 0x6770 * 0x5677");
            assertEquals(0x000022EF, m.cpu.edx(), how + ": DX = its high half");
            assertEquals(0x5677, m.cpu.ebx(), how);
            assertEquals(0x1234, m.cpu.ecx(), how);
            assertEquals(0x1234, m.cpu.esi(), how);
        }
    }

    @Test
    void blocksCoverTheGroup3AndOperandSizeForms() {
        // mov bx,ax; add ax,0xffff; shl ax,4; nop (66 90); mov si,[cs:0x2000] (66 2e);
        // mul bx; not eax; test bl,4; then HLT, which ends the block undecoded.
        byte[] code =
                TestMachine.hex(
                        "66 89 c3 66 05 ff ff 66 c1 e0 04 66 90 66 2e 8b 35 00 20 00 00"
                                + " 66 f7 e3 f7 d0 f6 c3 04 f4");
        DecodedInstructions blocks = untrackedWithCodeAt0x1000(code);
        int b = blocks.lookup(0x1000, true, 0x1000);
        assertEquals(8, DecodedInstructions.count(blocks.pool[b]), "eight decoded, up to the HLT");
        assertEquals(code.length - 1, DecodedInstructions.byteLength(blocks.pool[b]));
        assertEquals(
                0,
                DecodedInstructions.count(blocks.pool[blocks.lookup(0x1000, false, 0x1000)]),
                "16-bit code is left to the CPU's decoder");
    }

    @Test
    void theStringBitAndExchangeFormsRunAlikeFromDecodedBlocks() {
        // REP MOVSB, MOVSB, REP STOSB, REP STOSD, STD, MOVSD and STOSB backwards, CLD; XCHG of
        // memory and registers; LOCK CMPXCHG that stores and one that does not, CMPXCHG of 8 and
        // 16 bits; BT, BTS, BTR, BTC with an immediate and a register offset (beyond the operand
        // in memory, and negative); INC and DEC of bytes; then PUSHF; POP EBP for the flags.
        String program =
                "be 00 30 00 00 bf 00 31 00 00 c7 06 44 33 22 11 c7 46 04 88 77 66 55 b9 08 00"
                        + " 00 00 fc f3 a4 a4 b0 ab b9 05 00 00 00 f3 aa b9 02 00 00 00 b8 be ba"
                        + " fe ca f3 ab fd a5 aa fc bb 00 30 00 00 ba 77 00 00 00 87 13 86 d6 87"
                        + " ca b8 44 33 22 11 f0 0f b1 0b f0 0f b1 0b 0f b0 d0 66 b8 34 12 66 0f"
                        + " b1 4b 08 0f ba e8 03 0f ba 33 1f 0f ba fa 28 0f ba e1 07 b9 64 00 00"
                        + " 00 0f ab 0b b9 f7 ff ff ff 0f bb 4b 10 0f b3 c8 0f a3 ca 66 0f ba 6b"
                        + " 02 03 fe 03 fe 4b 01 fe c4 fe c9 66 87 43 06 9c 5d f4";
        TestMachine decoded = new TestMachine(true);
        TestMachine plain = new TestMachine(false);
        for (TestMachine m : new TestMachine[] {decoded, plain}) {
            m.startFlat32(program);
            assertHalted(m);
        }
        for (int r = 0; r < 8; r++) {
            assertEquals(plain.cpu.register(r), decoded.cpu.register(r), "register " + r);
        }
        assertEquals(plain.cpu.eflags(), decoded.cpu.eflags(), "EFLAGS");
        assertTrue(java.util.Arrays.equals(plain.ram, decoded.ram), "RAM");
        assertEquals(0x55667788, readLe32(decoded, 0x3104), "REP MOVSB copied 8 bytes");
        assertEquals(0xCAFEBABE, readLe32(decoded, 0x310E), "REP STOSD after 5 bytes of STOSB");
    }

    @Test
    void runsOfEightPushesAndPopsRunAlikeFromDecodedBlocks() {
        // mov dword [0x2F00],0x99; mov eax,0x11; mov ecx,0x22; mov edx,0x33; mov ebx,0x44;
        // mov ebp,0x55; mov esi,0x66; mov edi,0x77; mov esp,0x3000;
        // push eax, ecx, edx, ebx, ebp, esi, edi, eax (one run of eight);
        // push eax, esp, ecx (a run with ESP);
        // pop eax, ebx, ecx, edx, esi, edi, ebp, eax (one run of eight);
        // mov dword [0x2FF8],0x2F00; pop ecx, esp, edx (ESP popped in a run);
        // mov esp,0x4008; push eax, ecx, edx, ebx (a run across a page boundary);
        // mov esp,0x3FFC; pop esi, edi (and back); hlt
        String program =
                "c7 05 00 2f 00 00 99 00 00 00 b8 11 00 00 00 b9 22 00 00 00 ba 33 00 00 00"
                        + " bb 44 00 00 00 bd 55 00 00 00 be 66 00 00 00 bf 77 00 00 00"
                        + " bc 00 30 00 00 50 51 52 53 55 56 57 50 50 54 51"
                        + " 58 5b 59 5a 5e 5f 5d 58 c7 05 f8 2f 00 00 00 2f 00 00 59 5c 5a"
                        + " bc 08 40 00 00 50 51 52 53 bc fc 3f 00 00 5e 5f f4";
        int[][] stack = {
            {0x2FFC, 0x11}, {0x2FF8, 0x2F00}, {0x2FF4, 0x33}, {0x2FF0, 0x44}, {0x2FEC, 0x55},
            {0x2FE8, 0x66}, {0x2FE4, 0x77}, {0x2FE0, 0x11}, {0x2FDC, 0x11}, {0x2FD8, 0x2FDC},
            {0x2FD4, 0x22}, {0x4004, 0x44}, {0x4000, 0x33}, {0x3FFC, 0x99}, {0x3FF8, 0x2FDC}
        };
        for (boolean decoded : new boolean[] {true, false}) {
            TestMachine m = new TestMachine(decoded);
            m.startFlat32(program);
            assertHalted(m);
            String how = "decoded blocks " + decoded;
            for (int[] slot : stack) {
                assertEquals(slot[1], readLe32(m, slot[0]), how + ": the stack at " + slot[0]);
            }
            assertEquals(0x44, m.cpu.eax(), how + ": the eighth pop");
            assertEquals(0x2FDC, m.cpu.ebx(), how + ": the ESP pushed in the run");
            assertEquals(0x33, m.cpu.ecx(), how);
            assertEquals(0x99, m.cpu.edx(), how + ": popped from the stack ESP was popped to");
            assertEquals(0x99, m.cpu.esi(), how + ": across the page boundary");
            assertEquals(0x33, m.cpu.edi(), how);
            assertEquals(0x55, m.cpu.ebp(), how);
            assertEquals(0x4004, m.cpu.esp(), how);
        }
        // The eight pushes, and the eight pops, are each one fused group.
        DecodedInstructions blocks =
                untrackedWithCodeAt0x1000(
                        TestMachine.hex("50 51 52 53 55 56 57 50 58 5b 59 5a 5e 5f 5d 58 f4"));
        int first = DecodedInstructions.first(blocks.lookup(0x1000, true, 0x1000));
        for (int group = 0; group < 2; group++) {
            long word = blocks.pool[first + 16 * group];
            int form =
                    DecodedInstructions.FUSED
                            + (group == 0 ? DecodedInstructions.PUSH_R : DecodedInstructions.POP_R);
            assertEquals(form, (int) word & 0xFF, "group " + group + " is a fused run");
            assertEquals(8, (int) (word >>> DecodedInstructions.LENGTH_SHIFT) & 0xF);
        }
    }

    @Test
    void blocksCoverTheStringBitAndExchangeForms() {
        String[] decoded = {
            "f3 a4",
            "a5",
            "66 a5",
            "f3 aa",
            "3e f3 ab",
            "fc",
            "fd",
            "87 13",
            "86 d6",
            "66 87 43 06",
            "f0 0f b1 0b",
            "0f b0 d0",
            "66 0f b1 4b 08",
            "0f ba e8 03",
            "0f ba 33 1f",
            "0f ab 0b",
            "0f a3 ca",
            "66 0f bb 4b 10",
            "fe 03",
            "fe c9"
        };
        for (String instruction : decoded) {
            assertEquals(1, blockCount(instruction + " f4"), instruction + " is decoded");
        }
        // PAUSE, REP RET, LOCK on a register, LOCK BT (#UD), FE /2 (#UD), BT /0 with an
        // immediate (#UD), REPNE MOVS: the CPU's decoder runs them.
        String[] left = {
            "f3 90",
            "f3 c3",
            "f0 87 ca",
            "f0 0f ba 23 03",
            "fe 13",
            "0f ba 03 03",
            "f2 a4",
            "f0 f3 a4"
        };
        for (String instruction : left) {
            assertEquals(0, blockCount(instruction + " f4"), instruction + " is left undecoded");
        }
    }

    private static int blockCount(String code) {
        DecodedInstructions blocks = untrackedWithCodeAt0x1000(TestMachine.hex(code));
        return DecodedInstructions.count(blocks.pool[blocks.lookup(0x1000, true, 0x1000)]);
    }

    /**
     * A block cache without write tracking over 64 KiB of RAM that holds {@code code} at 0x1000.
     */
    private static DecodedInstructions untrackedWithCodeAt0x1000(byte[] code) {
        byte[] ram = new byte[1 << 16];
        System.arraycopy(code, 0, ram, 0x1000, code.length);
        return new DecodedInstructions(MemorySegment.ofArray(ram), null);
    }

    private static int readLe32(TestMachine m, int address) {
        return (m.ram[address] & 0xFF)
                | (m.ram[address + 1] & 0xFF) << 8
                | (m.ram[address + 2] & 0xFF) << 16
                | (m.ram[address + 3] & 0xFF) << 24;
    }

    @ParameterizedTest(name = "writes tracked: {0}")
    @ValueSource(booleans = {true, false})
    void aRepeatedStoreThatRunsIntoTheRestOfItsBlockRunsTheNewCode(boolean tracked) {
        TestMachine m = new TestMachine(true, tracked);
        // jmp 0x1010; 14 bytes of data; mov [0x1000],al (so the page's stores take the fast path);
        // mov edi,0x1000; mov ecx,0x27; mov al,0x90; rep stosb; 4 x inc ebx; hlt. The stores
        // start before the block and end over its four INCs, which become NOPs.
        m.startFlat32(
                "eb 0e 00 00 00 00 00 00 00 00 00 00 00 00 00 00 a2 00 10 00 00 bf 00 10 00 00"
                        + " b9 27 00 00 00 b0 90 f3 aa 43 43 43 43 f4");
        assertHalted(m);
        assertEquals(0, m.cpu.ebx(), "the INCs were overwritten before they ran");
        assertEquals(0x1027, m.cpu.edi());
    }

    @Test
    void blocksEndAtSixtyFourInstructionsOrAHundredAndTwentyEightBytes() {
        byte[] ram = new byte[1 << 16];
        // 72 NOPs and a HLT: a block of 64, and the next one from the 65th up to the HLT.
        java.util.Arrays.fill(ram, 0x1000, 0x1000 + 72, (byte) 0x90);
        ram[0x1000 + 72] = (byte) 0xF4;
        // 20 seven-byte LEAs (lea eax,[eax+ebx+0x12345678]): 18 fit in 128 bytes.
        byte[] lea = TestMachine.hex("8D 84 18 78 56 34 12");
        for (int k = 0; k < 20; k++) {
            System.arraycopy(lea, 0, ram, 0x2000 + 7 * k, lea.length);
        }
        DecodedInstructions blocks =
                new DecodedInstructions(java.lang.foreign.MemorySegment.ofArray(ram), null);
        long nops = blocks.pool[blocks.lookup(0x1000, true, 0x1000)];
        assertEquals(64, DecodedInstructions.count(nops));
        assertEquals(64, DecodedInstructions.byteLength(nops));
        assertEquals(
                8, DecodedInstructions.count(blocks.pool[blocks.lookup(0x1040, true, 0x1000)]));
        long leas = blocks.pool[blocks.lookup(0x2000, true, 0x1000)];
        assertEquals(18, DecodedInstructions.count(leas));
        assertEquals(126, DecodedInstructions.byteLength(leas));
    }

    @Test
    void everyConditionAfterEveryFlagSourceIsTheSameDecodedAndPlain() {
        // For operand pairs around the signed and unsigned edges, each of CMP, SUB, TEST, AND, OR,
        // XOR, ADD, INC and CMP of bytes sets the flags; then SETcc of all 16 conditions stores
        // bytes, and Jcc of all 16 each skips an LEA that adds its own bit to ESI, stored after.
        int[] values = {
            0, 1, 2, -1, -2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0x7F, 0x80, 0xFF, 0x100
        };
        String[] ops = {
            "39 D8", "29 D8", "85 D8", "21 D8", "09 D8", "31 D8", "01 D8", "40", "38 D8"
        };
        StringBuilder code = new StringBuilder();
        int slot = 0x100000;
        for (int a : values) {
            for (int b : values) {
                for (String op : ops) {
                    code.append(" B8 ").append(le32(a)).append(" BB ").append(le32(b));
                    code.append(" BE 00 00 00 00 ").append(op);
                    for (int cc = 0; cc < 16; cc++) {
                        code.append(String.format(" 0F %02X 05 ", 0x90 + cc))
                                .append(le32(slot + cc));
                    }
                    for (int cc = 0; cc < 16; cc++) {
                        code.append(String.format(" %02X 06 8D B6 ", 0x70 + cc))
                                .append(le32(1 << cc));
                    }
                    code.append(" 89 35 ").append(le32(slot + 16));
                    slot += 20;
                }
            }
        }
        code.append(" F4");
        TestMachine[] boards = {new TestMachine(true), new TestMachine(false)};
        for (TestMachine b : boards) {
            b.startFlat32(code.toString());
            b.runToHalt();
            assertTrue(b.cpu.halted());
        }
        assertTrue(java.util.Arrays.equals(boards[1].ram, boards[0].ram), "conditions differ");
        assertEquals(boards[1].cpu.eflags(), boards[0].cpu.eflags());
        // CMP of 1 with 2 (1 - 2 = 0xFFFFFFFF, even parity): NO, B, NE, BE, S, P, L and LE hold.
        int cmpOneTwo = 0x100000 + 20 * ((values.length + 2) * ops.length);
        byte[] holds = {0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
        for (int cc = 0; cc < 16; cc++) {
            assertEquals(
                    holds[cc], boards[0].ram[cmpOneTwo + cc], "SETcc " + cc + " after cmp 1,2");
        }
        // A Jcc that holds skips its bit: ESI has the bits of those that do not.
        int skipped =
                (boards[0].ram[cmpOneTwo + 16] & 0xFF)
                        | (boards[0].ram[cmpOneTwo + 17] & 0xFF) << 8;
        assertEquals(0xAA99, skipped, "Jcc after cmp 1,2");
    }

    private static String le32(int v) {
        return String.format(
                "%02X %02X %02X %02X", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    @Test
    void blocksThatShareAnIndexSetAreAllKept() {
        // Offsets k * 0x1001 all fall in the first set of the index; each holds "inc eax; ret".
        // Each lookup comes after one of a block elsewhere, whose link then points to the block
        // before: so each is looked up in the index.
        byte[] ram = new byte[1 << 16];
        long[] offsets = {0, 0x1001, 0x2002, 0x3003, 0x4004};
        long elsewhere = 0x8888;
        for (long offset : new long[] {0, 0x1001, 0x2002, 0x3003, 0x4004, elsewhere}) {
            ram[(int) offset] = 0x40;
            ram[(int) offset + 1] = (byte) 0xC3;
        }
        DecodedInstructions blocks =
                new DecodedInstructions(java.lang.foreign.MemorySegment.ofArray(ram), null);
        int[] first = new int[4];
        for (int k = 0; k < 4; k++) {
            blocks.lookup(elsewhere, true, 0x100);
            first[k] = blocks.lookup(offsets[k], true, 0x100);
            assertEquals(2, DecodedInstructions.count(blocks.pool[first[k]]));
        }
        // Run in turns, as a loop over four blocks would: each is found, none decoded again.
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 4; k++) {
                blocks.lookup(elsewhere, true, 0x100);
                assertEquals(first[k], blocks.lookup(offsets[k], true, 0x100), "block " + k);
            }
        }
        // A fifth one takes the place of the least recently used, which is decoded afresh.
        blocks.lookup(elsewhere, true, 0x100);
        int fifth = blocks.lookup(offsets[4], true, 0x100);
        assertEquals(2, DecodedInstructions.count(blocks.pool[fifth]));
        blocks.lookup(elsewhere, true, 0x100);
        assertEquals(first[3], blocks.lookup(offsets[3], true, 0x100), "recently used: kept");
        blocks.lookup(elsewhere, true, 0x100);
        int again = blocks.lookup(offsets[0], true, 0x100);
        assertNotEquals(first[0], again, "least recently used: decoded again");
        assertEquals(2, DecodedInstructions.count(blocks.pool[again]));
    }

    @Test
    void aBlockReachedThroughItsPredecessorsLinkIsStillCheckedAgainstRam() {
        // Block A ("inc eax; ret") is followed by block B ("inc eax; ret") twice: the second
        // time B is found through A's link. Then B's code changes: found through the link again,
        // it must be decoded afresh from the new bytes ("nop; nop; inc eax; ret").
        byte[] ram = new byte[1 << 16];
        int a = 0x100, b = 0x2340;
        ram[a] = 0x40;
        ram[a + 1] = (byte) 0xC3;
        ram[b] = 0x40;
        ram[b + 1] = (byte) 0xC3;
        DecodedInstructions blocks =
                new DecodedInstructions(java.lang.foreign.MemorySegment.ofArray(ram), null);
        blocks.lookup(a, true, 0x100);
        int first = blocks.lookup(b, true, 0x100);
        blocks.lookup(a, true, 0x100);
        assertEquals(first, blocks.lookup(b, true, 0x100), "unchanged: the same block");
        ram[b] = (byte) 0x90;
        ram[b + 1] = (byte) 0x90;
        ram[b + 2] = 0x40;
        ram[b + 3] = (byte) 0xC3;
        blocks.lookup(a, true, 0x100);
        int changed = blocks.lookup(b, true, 0x100);
        assertNotEquals(first, changed, "changed code: decoded again");
        assertEquals(4, DecodedInstructions.count(blocks.pool[changed]), "nop, nop, inc, ret");
        assertEquals(4, DecodedInstructions.byteLength(blocks.pool[changed]));
    }

    private static void writeLe32(TestMachine m, int address, int value) {
        for (int i = 0; i < 4; i++) {
            m.ram[address + i] = (byte) (value >>> (8 * i));
        }
    }

    @Test
    void everySpecializedFormHasABody() {
        // The specialized forms are numbered without a gap, from the first family to the last form.
        for (int form = DecodedInstructions.ALU_MR32_BY_KIND;
                form <= DecodedInstructions.TEST32_REGISTERS_THEN_JZ;
                form++) {
            assertTrue(Cpu.hasBody(form), "a body for form " + form);
        }
        assertFalse(Cpu.hasBody(DecodedInstructions.TEST32_REGISTERS_THEN_JZ + 1));
    }

    @Test
    void theSpecializedFormsRunAlikeFromDecodedBlocks() {
        // Random code from a fixed seed made only of the forms that blocks specialize (ADR 23):
        // each ALU operation on a register and on memory (absolute, and ESP-based), the 8- and
        // 32-bit MOVs, Jcc, CMOVcc and SETcc of every condition, INC and DEC, and a CMP or TEST
        // then a Jcc. A Jcc skips an INC, so that its condition shows in the registers.
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261125L);
        int[] registers = NOT_ESP;
        for (int round = 0; round < 20; round++) {
            java.io.ByteArrayOutputStream code = new java.io.ByteArrayOutputStream();
            for (int r : registers) {
                code.write(0xB8 + r);
                writeLe32(code, random.nextInt());
            }
            for (int n = 0; n < 300; n++) {
                int reg = registers[random.nextInt(registers.length)];
                int kind = random.nextInt(8), cc = random.nextInt(16);
                switch (random.nextInt(11)) {
                    case 0 -> aluOperand(code, random, kind * 8 + 1, reg); // op r/m32, r32
                    case 1 -> aluOperand(code, random, kind * 8 + 3, reg); // op r32, r/m32
                    case 2 -> { // op r/m32, imm8 or imm32
                        boolean small = random.nextBoolean();
                        aluOperand(code, random, small ? 0x83 : 0x81, kind);
                        if (small) {
                            code.write(random.nextInt(256));
                        } else {
                            writeLe32(code, random.nextInt());
                        }
                    }
                    case 3 -> { // op r/m8, imm8
                        aluOperand(code, random, 0x80, kind);
                        code.write(random.nextInt(256));
                    }
                    case 4 -> aluOperand(code, random, 0x88 + random.nextInt(4), reg); // MOV
                    case 5 -> { // Jcc over an INC
                        code.write(0x70 + cc);
                        code.write(1);
                        code.write(0x40 + reg);
                    }
                    case 6 -> { // CMOVcc r32, r/m32
                        code.write(0x0F);
                        aluOperand(code, random, 0x40 + cc, reg);
                    }
                    case 7 -> { // SETcc r8
                        code.write(0x0F);
                        code.write(0x90 + cc);
                        code.write(0xC0 | random.nextInt(8));
                    }
                    case 8 -> code.write((random.nextBoolean() ? 0x40 : 0x48) + reg); // INC, DEC
                    default -> { // CMP or TEST, then a Jcc over an INC
                        int[] compares = {0x39, 0x3B, 0x84, 0x85};
                        switch (random.nextInt(4)) {
                            case 0 -> aluOperand(code, random, compares[random.nextInt(4)], reg);
                            case 1 -> {
                                aluOperand(code, random, 0x83, 7);
                                code.write(random.nextInt(256));
                            }
                            case 2 -> {
                                aluOperand(code, random, 0x80, 7);
                                code.write(random.nextInt(256));
                            }
                            default -> {
                                code.write(compares[2 + random.nextInt(2)]);
                                code.write(0xC0 | random.nextInt(64));
                            }
                        }
                        code.write(0x70 + cc);
                        code.write(1);
                        code.write(0x40 + reg);
                    }
                }
            }
            code.write(0xF4);
            TestMachine[] boards = {new TestMachine(true), new TestMachine(false)};
            for (TestMachine b : boards) {
                for (int i = 0; i < 0x100; i++) {
                    b.ram[0x3000 + i] = (byte) (i * 37 + round);
                    b.ram[0x7F80 + i] = (byte) (i * 11 + round);
                }
                b.startFlat32("90");
                b.load(0x1000, code.toByteArray());
                assertHalted(b);
            }
            Cpu decoded = boards[0].cpu, plain = boards[1].cpu;
            String at = "round " + round + ": ";
            for (int r = 0; r < 8; r++) {
                assertEquals(plain.register(r), decoded.register(r), at + "register " + r);
            }
            assertEquals(plain.eip(), decoded.eip(), at + "EIP");
            assertEquals(plain.eflags(), decoded.eflags(), at + "EFLAGS");
            assertTrue(java.util.Arrays.equals(boards[1].ram, boards[0].ram), at + "RAM");
        }
    }

    private static final int[] NOT_ESP = {0, 1, 2, 3, 5, 6, 7};

    /**
     * Writes {@code opcode} and a ModRM byte with {@code reg}: a register operand (not ESP), an
     * absolute address in 0x3000-0x30FC, or ESP (0x8000) less up to 128.
     */
    private static void aluOperand(
            java.io.ByteArrayOutputStream code,
            java.util.SplittableRandom random,
            int opcode,
            int reg) {
        code.write(opcode);
        switch (random.nextInt(3)) {
            case 0 -> code.write(0xC0 | (reg << 3) | NOT_ESP[random.nextInt(NOT_ESP.length)]);
            case 1 -> {
                code.write((reg << 3) | 5);
                writeLe32(code, 0x3000 + random.nextInt(0xFD));
            }
            default -> {
                code.write(0x40 | (reg << 3) | 4);
                code.write(0x24);
                code.write(-random.nextInt(1, 0x7D) & 0xFF);
            }
        }
    }

    private static void writeLe32(java.io.ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }

    @Test
    void decodedBlocksAndPlainDecodingReachTheSameState() {
        // Random flat 32-bit code from a fixed seed: mostly faults and odd forms, both ways alike.
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261124L);
        for (int round = 0; round < 40; round++) {
            byte[] code = new byte[0x4000];
            for (int i = 0; i < code.length; i++) {
                // Half plain moves, adds and jumps, so blocks form; half anything.
                int[] common = {
                    0x89, 0x8B, 0x01, 0x03, 0x40, 0x48, 0x50, 0x58, 0x75, 0x74, 0xF6, 0xF7, 0x66,
                    0x2E
                };
                code[i] =
                        (byte)
                                (random.nextBoolean()
                                        ? common[random.nextInt(common.length)]
                                        : random.nextInt(256));
            }
            // Decoded blocks throughout, plain decoding throughout, and a CPU whose cache is
            // turned on and off between slices (as a machine does for DecodedBlocks.WHEN_BUSY).
            TestMachine[] boards = {
                new TestMachine(true), new TestMachine(false), new TestMachine(false)
            };
            for (int k = 0; k < boards.length; k++) {
                TestMachine b = boards[k];
                b.load(0x1000, code);
                b.startFlat32("90");
                b.cpu.setEsp(0x100000);
                for (int slice = 0; slice < 20 && !b.cpu.halted(); slice++) {
                    if (k == 2) {
                        b.cpu.useDecodedBlocks(slice % 3 != 0);
                        assertEquals(slice % 3 != 0, b.cpu.usesDecodedBlocks());
                    }
                    b.cpu.run(500);
                }
            }
            Cpu p = boards[1].cpu;
            for (int k : new int[] {0, 2}) {
                Cpu a = boards[k].cpu;
                String at = "round " + round + ", CPU " + k + ": ";
                for (int r = 0; r < 8; r++) {
                    assertEquals(p.register(r), a.register(r), at + "register " + r);
                }
                assertEquals(p.eip(), a.eip(), at + "EIP");
                assertEquals(p.eflags(), a.eflags(), at + "EFLAGS");
                assertTrue(java.util.Arrays.equals(boards[1].ram, boards[k].ram), at + "RAM");
            }
        }
    }
}
