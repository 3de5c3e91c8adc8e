package org.atrium.emulator.cpu.conformance;

import java.util.HexFormat;

/**
 * One differential case: machine code that runs at {@link Layout#CODE} with the given registers,
 * EFLAGS and data page at {@link Layout#MEM}, and what of the result is architecturally defined.
 *
 * @param registers EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
 * @param flagMask the EFLAGS bits the Intel SDM defines after this code (others are not compared)
 * @param registerMasks per register, the bits that are defined after this code
 */
record TestCase(
        String family,
        String text,
        byte[] code,
        int[] registers,
        int eflags,
        byte[] memory,
        int flagMask,
        int[] registerMasks) {

    String describe() {
        StringBuilder s = new StringBuilder();
        s.append(text).append(" [").append(HexFormat.ofDelimiter(" ").formatHex(code)).append("]");
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        for (int i = 0; i < 8; i++) {
            s.append(' ').append(names[i]).append('=').append(Integer.toHexString(registers[i]));
        }
        s.append(" eflags=").append(Integer.toHexString(eflags));
        return s.toString();
    }
}
