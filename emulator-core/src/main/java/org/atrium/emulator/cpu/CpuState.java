package org.atrium.emulator.cpu;

import java.util.List;
import java.util.Objects;

/**
 * The architectural state of the CPU, for snapshots and for comparing against another CPU. EFLAGS
 * holds the arithmetic flags already computed; {@code debugRegisters} are DR0-DR7.
 *
 * @param registers EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
 * @param segments ES, CS, SS, DS, FS, GS
 */
public record CpuState(
        List<Integer> registers,
        int eip,
        int eflags,
        List<SegmentState> segments,
        SegmentState ldtr,
        SegmentState tr,
        int gdtBase,
        int gdtLimit,
        int idtBase,
        int idtLimit,
        int cr0,
        int cr2,
        int cr3,
        int cr4,
        List<Integer> debugRegisters,
        int cpl,
        long tscOffset,
        int sysenterCs,
        int sysenterEsp,
        int sysenterEip,
        X87State fpu,
        boolean halted,
        boolean shutdown,
        boolean nmiPending,
        boolean nmiBlocked,
        boolean interruptShadow) {

    public CpuState {
        registers = List.copyOf(registers);
        segments = List.copyOf(segments);
        debugRegisters = List.copyOf(debugRegisters);
        if (registers.size() != 8 || segments.size() != 6 || debugRegisters.size() != 8) {
            throw new IllegalArgumentException(
                    "CPU state needs 8 registers, 6 segments and 8 debug registers");
        }
        Objects.requireNonNull(ldtr, "ldtr");
        Objects.requireNonNull(tr, "tr");
        Objects.requireNonNull(fpu, "fpu");
        if (cpl < 0 || cpl > 3) {
            throw new IllegalArgumentException("CPL out of range: " + cpl);
        }
    }
}
