package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuStateTest {
    @Test
    void restoredStateResumesExactlyWhereTheSnapshotWasTaken() {
        TestMachine first = new TestMachine();
        first.startRealAt(0x1000, ModeAndInterruptTestPrograms.PROTECTED_ROUND_TRIP);
        // Stop inside protected mode, between the mode switch and the return to real mode.
        first.cpu.run(14);
        CpuState mid = first.cpu.state();
        assertEquals(1, mid.cr0() & 1, "snapshot taken in protected mode");
        byte[] ramAtMid = first.ram.clone();
        first.runToHalt();

        TestMachine second = new TestMachine();
        System.arraycopy(ramAtMid, 0, second.ram, 0, ramAtMid.length);
        second.cpu.restore(mid);
        assertEquals(mid, second.cpu.state());
        second.runToHalt();

        assertEquals(first.cpu.state(), second.cpu.state());
        assertEquals(0xCAFEBABE, second.cpu.edx());
        assertNotEquals(mid, second.cpu.state());
    }

    @Test
    void rejectsMalformedState() {
        CpuState ok = new TestMachine().cpu.state();
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new CpuState(
                                List.of(1, 2, 3),
                                ok.eip(),
                                ok.eflags(),
                                ok.segments(),
                                ok.ldtr(),
                                ok.tr(),
                                ok.gdtBase(),
                                ok.gdtLimit(),
                                ok.idtBase(),
                                ok.idtLimit(),
                                ok.cr0(),
                                ok.cr2(),
                                ok.cr3(),
                                ok.cr4(),
                                ok.debugRegisters(),
                                ok.cpl(),
                                ok.tscOffset(),
                                ok.sysenterCs(),
                                ok.sysenterEsp(),
                                ok.sysenterEip(),
                                ok.fpu(),
                                ok.halted(),
                                ok.shutdown(),
                                ok.nmiPending(),
                                ok.nmiBlocked(),
                                ok.interruptShadow()));
    }
}
