package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Guest code is hostile input: random bytes, run in real mode and in flat 32-bit mode, must only
 * ever produce guest-visible exceptions, never an emulator failure. The seed is fixed so a failure
 * reproduces.
 */
class RandomCodeTest {
    @Test
    void randomCodeNeverBreaksTheEmulator() {
        SplittableRandom random = new SplittableRandom(Long.getLong("atrium.fuzz.seed", 20261123L));
        int rounds = Integer.getInteger("atrium.fuzz.rounds", 300);
        for (int round = 0; round < rounds; round++) {
            TestMachine m = new TestMachine();
            for (int i = 0; i < 0x20000; i++) {
                m.ram[i] = (byte) random.nextInt(256);
            }
            Cpu cpu = m.cpu;
            cpu.reset();
            if (round % 3 == 2) {
                // Protected mode with random GDT and IDT contents: descriptor checks on junk.
                for (int seg = 0; seg < 6; seg++) {
                    cpu.setSegment(seg, seg == Cpu.CS ? 8 : 0x10, 0, -1, true);
                }
                cpu.setEip(0x1000 + random.nextInt(0x10000));
                cpu.setEsp(0x18000);
                CpuState s = cpu.state();
                cpu.restore(
                        new CpuState(
                                s.registers(),
                                s.eip(),
                                s.eflags(),
                                s.segments(),
                                s.ldtr(),
                                s.tr(),
                                0x2000,
                                0xFFFF,
                                0x3000,
                                0x7FF,
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
            } else if (round % 2 == 0) {
                cpu.setSegmentReal(Cpu.CS, 0x1000);
                cpu.setEip(random.nextInt(0x10000));
            } else {
                for (int seg = 0; seg < 6; seg++) {
                    cpu.setSegment(seg, 0, 0, -1, true);
                }
                cpu.setEip(0x1000 + random.nextInt(0x10000));
                cpu.setEsp(0x18000);
            }
            for (int step = 0; step < 20 && !cpu.shutdownRequested(); step++) {
                if (random.nextInt(4) == 0) {
                    m.vectors.add(random.nextInt(256));
                }
                cpu.run(500);
                int r = round;
                assertNull(cpu.failure(), () -> "round " + r + ": " + cpu.failure());
                if (cpu.halted()) {
                    cpu.nmi();
                }
            }
        }
    }
}
