package org.atrium.emulator.machine;

import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.boot.Flat32Entry;
import org.atrium.emulator.cpu.Cpu;
import org.atrium.emulator.cpu.CpuFailure;
import org.atrium.emulator.cpu.CpuState;
import org.atrium.emulator.cpu.SegmentState;

/** Where the machine gets its CPU. */
final class Processors {
    // Segment-cache attributes of flat 4 GiB 32-bit descriptors (the high dword & 0x00F0FF00).
    private static final int FLAT_CODE = 0x00C09B00;
    private static final int FLAT_DATA = 0x00C09300;
    private static final int CR0_PE = 1;

    private Processors() {}

    /**
     * The emulator's interpreting CPU, {@link Cpu}, which starts with its cache of decoded blocks
     * only for {@link DecodedBlocks#ALWAYS}; the machine turns it on and off for {@link
     * DecodedBlocks#WHEN_BUSY}.
     */
    static ProcessorFactory standard(DecodedBlocks decodedBlocks) {
        return (memory, io, interrupts, tsc) -> {
            Cpu cpu = new Cpu(memory, io, interrupts, tsc, decodedBlocks == DecodedBlocks.ALWAYS);
            return new Processor() {
                @Override
                public void reset() {
                    cpu.reset();
                }

                @Override
                public int run(int maxInstructions) {
                    return cpu.run(maxInstructions);
                }

                @Override
                public boolean halted() {
                    return cpu.halted();
                }

                @Override
                public void nmi() {
                    cpu.nmi();
                }

                @Override
                public void useDecodedBlocks(boolean on) {
                    cpu.useDecodedBlocks(on);
                }

                @Override
                public boolean shutdownRequested() {
                    return cpu.shutdownRequested();
                }

                @Override
                public void enter(Flat32Entry entry) {
                    cpu.restore(flat32(cpu.state(), entry));
                }

                @Override
                public CpuState state() {
                    return cpu.state();
                }

                @Override
                public void restore(CpuState state) {
                    cpu.restore(state);
                }

                @Override
                public RuntimeException failure() {
                    CpuFailure f = cpu.failure();
                    return f == null ? null : new IllegalStateException(f.message(), f.cause());
                }
            };
        };
    }

    /** {@code s} changed to the state the 32-bit Linux boot protocol starts a kernel in. */
    static CpuState flat32(CpuState s, Flat32Entry entry) {
        List<Integer> regs = new ArrayList<>(List.of(0, 0, 0, 0, 0, 0, entry.esi(), 0));
        List<SegmentState> segs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            segs.add(
                    i == Cpu.CS
                            ? new SegmentState(Flat32Entry.BOOT_CS, 0, 0xFFFFFFFF, FLAT_CODE)
                            : new SegmentState(Flat32Entry.BOOT_DS, 0, 0xFFFFFFFF, FLAT_DATA));
        }
        return new CpuState(
                regs,
                entry.eip(),
                2, // interrupts off, direction flag clear
                segs,
                s.ldtr(),
                s.tr(),
                entry.gdtBase(),
                entry.gdtLimit(),
                0,
                0x3FF,
                (s.cr0() | CR0_PE) & ~0x80000000,
                0,
                0,
                0,
                s.debugRegisters(),
                0,
                s.tscOffset(),
                0,
                0,
                0,
                s.fpu(),
                false,
                false,
                false,
                false,
                false);
    }
}
