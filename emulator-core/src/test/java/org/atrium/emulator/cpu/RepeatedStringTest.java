package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Long forward REP MOVS/STOS, which the CPU may carry out a page at a time: the results must be
 * those of the SDM's element-by-element definition (vol. 2, REP, MOVS, STOS), modelled here in
 * plain Java, including overlapping copies, page crossings and a fault part way through.
 */
class RepeatedStringTest {
    private final TestMachine m = new TestMachine();
    private final Cpu cpu = m.cpu;

    /** Runs code loaded earlier by {@code m.startFlat32}, so the expected image includes it. */
    private void run(int esi, int edi, int ecx, int eax) {
        cpu.setEsi(esi);
        cpu.setEdi(edi);
        cpu.setEcx(ecx);
        cpu.setEax(eax);
        m.runToHalt();
    }

    private void fillRandom(int from, int length) {
        Random rnd = new Random(from);
        for (int i = 0; i < length; i++) {
            m.ram[from + i] = (byte) rnd.nextInt();
        }
    }

    /** Forward MOVS as the SDM defines it: one element read, then written, at a time. */
    private static void movsModel(byte[] mem, int src, int dst, int count, int size) {
        for (int e = 0; e < count; e++) {
            byte[] element = Arrays.copyOfRange(mem, src + e * size, src + e * size + size);
            System.arraycopy(element, 0, mem, dst + e * size, size);
        }
    }

    @Test
    void overlappingByteCopyRepeatsThePattern() {
        m.startFlat32("f3 a4 f4");
        fillRandom(0x10000, 0x3000);
        byte[] expected = m.ram.clone();
        movsModel(expected, 0x10000, 0x10003, 0x2800, 1);
        run(0x10000, 0x10003, 0x2800, 0);
        assertArrayEquals(expected, m.ram);
        assertEquals(0, cpu.ecx());
        assertEquals(0x12800, cpu.esi());
        assertEquals(0x12803, cpu.edi());
    }

    @Test
    void unalignedDwordCopyAcrossPages() {
        m.startFlat32("f3 a5 f4");
        fillRandom(0x20000, 0x3000);
        byte[] expected = m.ram.clone();
        movsModel(expected, 0x20001, 0x40FFE, 0x900, 4);
        run(0x20001, 0x40FFE, 0x900, 0);
        assertArrayEquals(expected, m.ram);
        assertEquals(0, cpu.ecx());
        assertEquals(0x20001 + 0x2400, cpu.esi());
        assertEquals(0x40FFE + 0x2400, cpu.edi());
    }

    @Test
    void copyDownwardsIntoItsOwnSource() {
        m.startFlat32("f3 a5 f4");
        fillRandom(0x50000, 0x3000);
        byte[] expected = m.ram.clone();
        movsModel(expected, 0x50006, 0x50000, 0xA00, 4);
        run(0x50006, 0x50000, 0xA00, 0);
        assertArrayEquals(expected, m.ram);
    }

    @Test
    void wordStoreAcrossPages() {
        m.startFlat32("66 f3 ab f4");
        byte[] expected = m.ram.clone();
        for (int i = 0; i < 5000; i++) {
            expected[0x30FFF + 2 * i] = 0x34;
            expected[0x30FFF + 2 * i + 1] = 0x12;
        }
        run(0, 0x30FFF, 5000, 0x99881234);
        assertArrayEquals(expected, m.ram);
        assertEquals(0, cpu.ecx());
        assertEquals(0x30FFF + 10000, cpu.edi());
    }

    @Test
    void faultPartWayLeavesTheCompletedElements() {
        // ES ends at 0x5003: elements up to EDI = 0x5000 fit, the one at 0x5004 raises #GP, which
        // (real mode here) goes through IVT entry 13 to a HLT.
        m.load(0x500, TestMachine.hex("f4"));
        m.load(13 * 4, TestMachine.hex("00 05 00 00"));
        fillRandom(0x60000, 0x2000);
        m.startFlat32("f3 a5 f4");
        byte[] expected = m.ram.clone();
        movsModel(expected, 0x60000, 0x4000, 0x401, 4);
        cpu.setSegment(Cpu.ES, 0, 0, 0x5003, true);
        cpu.setEsi(0x60000);
        cpu.setEdi(0x4000);
        cpu.setEcx(0x800);
        m.runToHalt();
        assertEquals(0x800 - 0x401, cpu.ecx());
        assertEquals(0x5004, cpu.edi());
        assertEquals(0x60000 + 0x401 * 4, cpu.esi());
        assertArrayEquals(
                Arrays.copyOfRange(expected, 0x4000, 0x5008),
                Arrays.copyOfRange(m.ram, 0x4000, 0x5008));
    }
}
