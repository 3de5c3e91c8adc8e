package org.atrium.emulator.cpu;

import java.util.Arrays;

/**
 * The x87 FPU's registers as FSAVE stores them (Intel SDM vol. 1, 8.1): control, status (TOP in
 * bits 11-13) and the full tag word, and the eight physical data registers R0-R7 in the 80-bit
 * extended format, including those tagged empty, whose contents the hardware also keeps. The
 * last-instruction and last-operand pointers are left out, as the FPU model leaves them out.
 *
 * @param significands the 64-bit significand (explicit integer bit) of R0-R7
 * @param signExponents sign (bit 15) and 15-bit biased exponent of R0-R7
 */
public record X87State(int control, int status, int tag, long[] significands, int[] signExponents) {
    public X87State {
        if (((control | status | tag) & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("x87 control, status and tag are 16 bits");
        }
        if (significands == null
                || significands.length != 8
                || signExponents == null
                || signExponents.length != 8) {
            throw new IllegalArgumentException("the x87 has eight data registers");
        }
        for (int se : signExponents) {
            if ((se & ~0xFFFF) != 0) {
                throw new IllegalArgumentException("x87 sign and exponent are 16 bits");
            }
        }
        significands = significands.clone();
        signExponents = signExponents.clone();
    }

    /** The power-on state: control 0x40, everything empty (Intel SDM vol. 3, table 9-1). */
    public static X87State powerOn() {
        return new X87State(0x40, 0, 0x5555, new long[8], new int[8]);
    }

    @Override
    public long[] significands() {
        return significands.clone();
    }

    @Override
    public int[] signExponents() {
        return signExponents.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X87State s
                && control == s.control
                && status == s.status
                && tag == s.tag
                && Arrays.equals(significands, s.significands)
                && Arrays.equals(signExponents, s.signExponents);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(significands) * 31 + Arrays.hashCode(signExponents) + control;
    }

    @Override
    public String toString() {
        return String.format(
                "X87State[control=%04x, status=%04x, tag=%04x, significands=%s, signExponents=%s]",
                control,
                status,
                tag,
                Arrays.toString(significands),
                Arrays.toString(signExponents));
    }
}
