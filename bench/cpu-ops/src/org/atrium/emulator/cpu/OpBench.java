package org.atrium.emulator.cpu;

import java.lang.management.ManagementFactory;

/**
 * Host CPU nanoseconds per guest instruction for single instruction forms: each argument (hex bytes) is
 * repeated 50 times in a 32-bit flat loop closed by DEC ECX / JNZ, run on the CPU's test board
 * ({@code TestMachine}, no paging) for 131072 iterations; the best of four rounds is printed, as the
 * thread's CPU time, which a shared machine skews less than wall time. Bodies must not change ECX or
 * EIP's flow. Run through {@code bench/cpu-ops/run}.
 */
public class OpBench {
    private static final String[] DEFAULT_BODIES = {
        "90", "01 D8", "89 D8", "83 C0 05", "8B 43 04", "89 43 04", "01 44 24 08",
        "8D 84 18 78 56 34 12", "C1 C0 07", "F7 D0", "50 58", "39 D8 74 00", "0F B6 06"
    };

    public static void main(String[] args) {
        var threads = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder();
        for (String body : args.length > 0 ? args : DEFAULT_BODIES) {
            String loop = "B9 00 00 02 00 " + (body + " ").repeat(50) + "49 0F 85 00 00 00 00 F4";
            byte[] code = TestMachine.hex(loop);
            int jnz = code.length - 7;
            int disp = 5 - (jnz + 6);
            for (int i = 0; i < 4; i++) {
                code[jnz + 2 + i] = (byte) (disp >> (8 * i));
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : code) {
                hex.append(String.format("%02X ", b));
            }
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 4; round++) {
                TestMachine m = new TestMachine();
                m.startFlat32(hex.toString());
                m.cpu.setEsi(0x2000);
                m.cpu.setEbx(0x100);
                m.cpu.setEdi(0x3000);
                long t0 = threads.getCurrentThreadCpuTime();
                long steps = 0;
                while (!m.cpu.halted()) {
                    steps += m.cpu.run(100_000);
                    if (m.cpu.failure() != null) {
                        throw new IllegalStateException(m.cpu.failure().message());
                    }
                }
                best = Math.min(best, (threads.getCurrentThreadCpuTime() - t0) / (double) steps);
            }
            out.append(String.format("%-24s %6.2f ns%n", body, best));
        }
        System.out.print(out);
    }
}
