package org.atrium.emulator.cpu.conformance;

/**
 * How a case ended, on either CPU.
 *
 * @param vector the exception that stopped the code, or -1 when it ran to its end
 * @param faultAddress for a page fault (vector 14), the linear address that was not mapped
 * @param registers EAX..EDI at the end or at the faulting instruction
 * @param eipOffset EIP relative to {@link Layout#CODE}
 */
record Outcome(
        int vector, int faultAddress, int[] registers, int eipOffset, int eflags, byte[] memory) {}
