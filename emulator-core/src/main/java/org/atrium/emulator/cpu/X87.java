package org.atrium.emulator.cpu;

/**
 * The x87 FPU (Intel SDM vol. 1, chapter 8): eight stack registers, control, status and tag words,
 * and the instructions an i686 kernel and its user space use: loads and stores of every memory
 * format, the basic arithmetic, comparisons (FCOM, FUCOM, FCOMI), FCMOV, constants, FSQRT, FRNDINT,
 * the transcendental instructions, FSTENV/FLDENV and FSAVE/FRSTOR.
 *
 * <p>Values are computed in IEEE double precision, not the 80-bit extended format; a register
 * loaded from an 80-bit image (FLD m80, FRSTOR) keeps that image until it is changed, so saving and
 * restoring a context is exact. Left out: unmasked exceptions (#MF and FERR#: every exception is
 * handled as masked), precision control, denormal detection, FBLD/FBSTP, the last-instruction and
 * last-operand pointers (stored as zero).
 */
final class X87 {
    /** What the FPU needs of the CPU for one instruction: its memory operand and EFLAGS. */
    interface Host {
        int read8(int displacement);

        int read16(int displacement);

        int read32(int displacement);

        void write8(int displacement, int value);

        void write16(int displacement, int value);

        void write32(int displacement, int value);

        boolean condition(int cc);

        /** Sets ZF, PF and CF as FCOMI does, clearing OF, SF and AF. */
        void setCompareFlags(boolean zf, boolean pf, boolean cf);

        void setAx(int value);
    }

    private static final int C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
    private static final int IE = 0x01, ZE = 0x04, SF = 0x40, ES = 0x80;
    private static final int TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;
    private static final double[] CONSTANTS = {
        1.0, Math.log(10) / Math.log(2), 1 / Math.log(2), Math.PI, Math.log10(2), Math.log(2), 0.0
    };

    private final double[] value = new double[8];
    private final boolean[] empty = new boolean[8];
    // The 80-bit image a register was loaded from, kept while the value is unchanged.
    private final long[] rawMantissa = new long[8];
    private final int[] rawExponent = new int[8];
    private final boolean[] rawValid = new boolean[8];
    private int top;
    int control;
    private int status;

    X87() {
        reset(0x40, 0, 0x5555);
    }

    /** Sets the state a hardware reset or {@code restore} gives (tag word in the full format). */
    void reset(int control, int status, int tag) {
        this.control = control;
        this.status = status & ~0x3800;
        this.top = (status >> 11) & 7;
        for (int i = 0; i < 8; i++) {
            empty[i] = ((tag >> (2 * i)) & 3) == TAG_EMPTY;
            value[i] = 0;
            rawValid[i] = false;
        }
    }

    int status() {
        return status | (top << 11);
    }

    int tagWord() {
        int t = 0;
        for (int i = 0; i < 8; i++) {
            t |= tagOf(i) << (2 * i);
        }
        return t;
    }

    private int tagOf(int phys) {
        if (empty[phys]) {
            return TAG_EMPTY;
        }
        double v = value[phys];
        if (v == 0) {
            return TAG_ZERO;
        }
        return Double.isNaN(v) || Double.isInfinite(v) ? TAG_SPECIAL : TAG_VALID;
    }

    /** The registers as FSAVE would store them, for snapshots. */
    X87State state() {
        long[] significands = new long[8];
        int[] signExponents = new int[8];
        for (int p = 0; p < 8; p++) {
            if (rawValid[p]) {
                significands[p] = rawMantissa[p];
                signExponents[p] = rawExponent[p] & 0xFFFF;
            } else {
                long[] x = toExtended(value[p]);
                significands[p] = x[0];
                signExponents[p] = (int) x[1];
            }
        }
        return new X87State(control, status(), tagWord(), significands, signExponents);
    }

    /** Loads a state taken by {@link #state()}: every register keeps its exact 80-bit image. */
    void restore(X87State s) {
        reset(s.control(), s.status(), s.tag());
        long[] significands = s.significands();
        int[] signExponents = s.signExponents();
        for (int p = 0; p < 8; p++) {
            value[p] = fromExtended(significands[p], signExponents[p]);
            rawMantissa[p] = significands[p];
            rawExponent[p] = signExponents[p];
            rawValid[p] = true;
        }
    }

    void init() {
        control = 0x37F;
        status = 0;
        top = 0;
        for (int i = 0; i < 8; i++) {
            empty[i] = true;
            rawValid[i] = false;
        }
    }

    // ---------------------------------------------------------------- stack

    private int phys(int i) {
        return (top + i) & 7;
    }

    private double st(int i) {
        int p = phys(i);
        if (empty[p]) {
            status |= IE | SF | ES;
            status &= ~C1;
            return Double.NaN;
        }
        return value[p];
    }

    private void set(int i, double v) {
        int p = phys(i);
        value[p] = v;
        empty[p] = false;
        rawValid[p] = false;
    }

    private void push(double v) {
        top = (top - 1) & 7;
        if (!empty[top]) {
            status |= IE | SF | C1 | ES;
            v = Double.NaN;
        }
        set(0, v);
    }

    private void pop() {
        empty[top] = true;
        rawValid[top] = false;
        top = (top + 1) & 7;
    }

    // ---------------------------------------------------------------- execution

    /**
     * Executes one escape instruction {@code op} (0xD8-0xDF) whose ModRM fields are decoded; for a
     * memory form the host addresses the operand. {@code op32} selects the 32-bit environment
     * layout of FSTENV/FLDENV/FSAVE/FRSTOR.
     */
    void execute(int op, int mod, int reg, int rm, boolean op32, Host h) {
        if (mod != 3) {
            memoryForm(op, reg, op32, h);
        } else {
            registerForm(op, reg, rm, h);
        }
    }

    private void memoryForm(int op, int reg, boolean op32, Host h) {
        switch (op) {
            case 0xD8 -> arith(reg, Float.intBitsToFloat(h.read32(0)));
            case 0xDC -> arith(reg, readDouble(h));
            case 0xDA -> arith(reg, h.read32(0));
            case 0xDE -> arith(reg, (short) h.read16(0));
            case 0xD9 -> {
                switch (reg) {
                    case 0 -> push(Float.intBitsToFloat(h.read32(0)));
                    case 2 -> h.write32(0, Float.floatToRawIntBits((float) round(st(0))));
                    case 3 -> {
                        h.write32(0, Float.floatToRawIntBits((float) st(0)));
                        pop();
                    }
                    case 4 -> loadEnvironment(h, op32);
                    case 5 -> control = h.read16(0);
                    case 6 -> {
                        storeEnvironment(h, op32);
                        control |= 0x3F;
                    }
                    case 7 -> h.write16(0, control);
                    default -> throw new UnsupportedOperationException();
                }
            }
            case 0xDD -> {
                switch (reg) {
                    case 0 -> push(readDouble(h));
                    case 2, 3 -> {
                        writeDouble(h, st(0));
                        if (reg == 3) {
                            pop();
                        }
                    }
                    case 4 -> {
                        int at = loadEnvironment(h, op32);
                        for (int i = 0; i < 8; i++) {
                            boolean wasEmpty = empty[phys(i)];
                            load80(h, at + 10 * i, phys(i));
                            empty[phys(i)] = wasEmpty;
                        }
                    }
                    case 6 -> {
                        int at = storeEnvironment(h, op32);
                        for (int i = 0; i < 8; i++) {
                            store80(h, at + 10 * i, phys(i));
                        }
                        init();
                    }
                    case 7 -> h.write16(0, status());
                    default -> throw new UnsupportedOperationException();
                }
            }
            case 0xDB -> {
                switch (reg) {
                    case 0 -> push(h.read32(0));
                    case 2, 3 -> {
                        h.write32(0, (int) toInteger(st(0), Integer.MIN_VALUE, Integer.MAX_VALUE));
                        if (reg == 3) {
                            pop();
                        }
                    }
                    case 5 -> {
                        top = (top - 1) & 7;
                        load80(h, 0, top);
                    }
                    case 7 -> {
                        store80(h, 0, top);
                        pop();
                    }
                    default -> throw new UnsupportedOperationException();
                }
            }
            case 0xDF -> {
                switch (reg) {
                    case 0 -> push((short) h.read16(0));
                    case 2, 3 -> {
                        h.write16(0, (int) toInteger(st(0), Short.MIN_VALUE, Short.MAX_VALUE));
                        if (reg == 3) {
                            pop();
                        }
                    }
                    case 5 ->
                            push((double) ((h.read32(0) & 0xFFFFFFFFL) | (long) h.read32(4) << 32));
                    case 7 -> {
                        long v = toInteger(st(0), Long.MIN_VALUE, Long.MAX_VALUE);
                        h.write32(0, (int) v);
                        h.write32(4, (int) (v >>> 32));
                        pop();
                    }
                    default -> throw new UnsupportedOperationException();
                }
            }
            default -> throw new UnsupportedOperationException();
        }
    }

    private void registerForm(int op, int reg, int i, Host h) {
        switch (op) {
            case 0xD8 -> arith(reg, st(i));
            case 0xDC, 0xDE -> {
                if (op == 0xDE && reg == 3) {
                    if (i != 1) {
                        throw new UnsupportedOperationException();
                    }
                    compare(st(0), st(1), false);
                    pop();
                    pop();
                    return;
                }
                if (reg == 2 || reg == 3) {
                    compare(st(0), st(i), false);
                    if (reg == 3 || op == 0xDE) {
                        pop();
                    }
                    return;
                }
                double a = st(i), b = st(0);
                double r =
                        switch (reg) {
                            case 0 -> a + b;
                            case 1 -> a * b;
                            case 4 -> b - a;
                            case 5 -> a - b;
                            case 6 -> divide(b, a);
                            default -> divide(a, b);
                        };
                set(i, r);
                if (op == 0xDE) {
                    pop();
                }
            }
            case 0xD9 -> d9Register(reg, i);
            case 0xDA -> {
                if (reg == 5 && i == 1) {
                    compare(st(0), st(1), true);
                    pop();
                    pop();
                } else if (reg < 4) {
                    int[] cc = {2, 4, 6, 0xA};
                    if (h.condition(cc[reg])) {
                        set(0, st(i));
                    }
                } else {
                    throw new UnsupportedOperationException();
                }
            }
            case 0xDB -> {
                if (reg < 4) {
                    int[] cc = {3, 5, 7, 0xB};
                    if (h.condition(cc[reg])) {
                        set(0, st(i));
                    }
                } else if (reg == 4 && i == 2) {
                    status &= 0x7F00;
                } else if (reg == 4 && i == 3) {
                    init();
                } else if (reg == 4) {
                    return; // FNENI, FNDISI, FSETPM: no-ops since the 80287
                } else if (reg == 5 || reg == 6) {
                    compareToFlags(st(0), st(i), h);
                } else {
                    throw new UnsupportedOperationException();
                }
            }
            case 0xDD -> {
                switch (reg) {
                    case 0 -> {
                        empty[phys(i)] = true;
                        rawValid[phys(i)] = false;
                    }
                    case 2, 3 -> {
                        int from = phys(0), to = phys(i);
                        value[to] = value[from];
                        empty[to] = empty[from];
                        rawValid[to] = rawValid[from];
                        rawMantissa[to] = rawMantissa[from];
                        rawExponent[to] = rawExponent[from];
                        if (reg == 3) {
                            pop();
                        }
                    }
                    case 4, 5 -> {
                        compare(st(0), st(i), true);
                        if (reg == 5) {
                            pop();
                        }
                    }
                    default -> throw new UnsupportedOperationException();
                }
            }
            case 0xDF -> {
                if (reg == 4 && i == 0) {
                    h.setAx(status());
                } else if (reg == 0) {
                    empty[phys(i)] = true;
                    pop();
                } else if (reg == 5 || reg == 6) {
                    compareToFlags(st(0), st(i), h);
                    pop();
                } else {
                    throw new UnsupportedOperationException();
                }
            }
            default -> throw new UnsupportedOperationException();
        }
    }

    private void d9Register(int reg, int i) {
        switch (reg) {
            case 0 -> push(st(i));
            case 1 -> {
                double a = st(0), b = st(i);
                set(0, b);
                set(i, a);
            }
            case 2 -> {
                if (i != 0) {
                    throw new UnsupportedOperationException();
                }
            }
            case 4 -> {
                switch (i) {
                    case 0 -> set(0, -st(0));
                    case 1 -> set(0, Math.abs(st(0)));
                    case 4 -> compare(st(0), 0.0, false);
                    case 5 -> examine();
                    default -> throw new UnsupportedOperationException();
                }
            }
            case 5 -> {
                if (i == 7) {
                    throw new UnsupportedOperationException();
                }
                push(CONSTANTS[i]);
            }
            case 6 -> {
                double x = st(0);
                switch (i) {
                    case 0 -> set(0, Math.pow(2, x) - 1);
                    case 1 -> {
                        set(1, st(1) * Math.log(x) / Math.log(2));
                        pop();
                    }
                    case 2 -> {
                        set(0, Math.tan(x));
                        push(1.0);
                        status &= ~C2;
                    }
                    case 3 -> {
                        set(1, Math.atan2(st(1), x));
                        pop();
                    }
                    case 4 -> {
                        int e = x == 0 || Double.isNaN(x) ? 0 : Math.getExponent(x);
                        set(0, e);
                        push(x == 0 ? x : Math.scalb(x, -e));
                    }
                    case 5 -> partialRemainder(true);
                    case 6 -> top = (top - 1) & 7;
                    default -> top = (top + 1) & 7;
                }
            }
            default -> {
                double x = st(0);
                switch (i) {
                    case 0 -> partialRemainder(false);
                    case 1 -> {
                        set(1, st(1) * Math.log1p(x) / Math.log(2));
                        pop();
                    }
                    case 2 -> set(0, Math.sqrt(x));
                    case 3 -> {
                        set(0, Math.sin(x));
                        push(Math.cos(x));
                        status &= ~C2;
                    }
                    case 4 -> set(0, round(x));
                    case 5 -> set(0, Math.scalb(x, (int) Math.max(-2100, Math.min(2100, st(1)))));
                    case 6 -> {
                        set(0, Math.sin(x));
                        status &= ~C2;
                    }
                    default -> {
                        set(0, Math.cos(x));
                        status &= ~C2;
                    }
                }
            }
        }
    }

    private void arith(int reg, double src) {
        double a = st(0);
        switch (reg) {
            case 0 -> set(0, a + src);
            case 1 -> set(0, a * src);
            case 2 -> compare(a, src, false);
            case 3 -> {
                compare(a, src, false);
                pop();
            }
            case 4 -> set(0, a - src);
            case 5 -> set(0, src - a);
            case 6 -> set(0, divide(a, src));
            default -> set(0, divide(src, a));
        }
    }

    private double divide(double a, double b) {
        if (b == 0 && a != 0 && !Double.isNaN(a)) {
            status |= ZE | ES;
        }
        return a / b;
    }

    private void partialRemainder(boolean ieee) {
        double a = st(0), b = st(1);
        double q = ieee ? Math.rint(a / b) : (a / b < 0 ? Math.ceil(a / b) : Math.floor(a / b));
        set(0, ieee ? Math.IEEEremainder(a, b) : a % b);
        long qi = (long) Math.abs(q);
        status &= ~(C0 | C1 | C2 | C3);
        status |= ((qi & 1) != 0 ? C1 : 0) | ((qi & 2) != 0 ? C3 : 0) | ((qi & 4) != 0 ? C0 : 0);
    }

    private void compare(double a, double b, boolean unordered) {
        status &= ~(C0 | C2 | C3);
        if (Double.isNaN(a) || Double.isNaN(b)) {
            status |= C0 | C2 | C3;
            if (!unordered) {
                status |= IE | ES;
            }
        } else if (a < b) {
            status |= C0;
        } else if (a == b) {
            status |= C3;
        }
    }

    private void compareToFlags(double a, double b, Host h) {
        boolean nan = Double.isNaN(a) || Double.isNaN(b);
        h.setCompareFlags(nan || a == b, nan, nan || a < b);
        status &= ~C1;
    }

    private void examine() {
        int p = phys(0);
        double v = value[p];
        status &= ~(C0 | C1 | C2 | C3);
        if (Double.doubleToRawLongBits(v) < 0) {
            status |= C1;
        }
        if (empty[p]) {
            status |= C0 | C3;
        } else if (Double.isNaN(v)) {
            status |= C0;
        } else if (Double.isInfinite(v)) {
            status |= C0 | C2;
        } else if (v == 0) {
            status |= C3;
        } else {
            status |= C2;
        }
    }

    /** Rounds to an integral value per the control word's rounding field. */
    private double round(double v) {
        return switch ((control >> 10) & 3) {
            case 0 -> Math.rint(v);
            case 1 -> Math.floor(v);
            case 2 -> Math.ceil(v);
            default -> v < 0 ? Math.ceil(v) : Math.floor(v);
        };
    }

    private long toInteger(double v, long min, long max) {
        double r = round(v);
        if (Double.isNaN(r) || r < min || r > max) {
            status |= IE | ES;
            return min; // the "integer indefinite" value
        }
        return (long) r;
    }

    // ---------------------------------------------------------------- formats

    private static double readDouble(Host h) {
        return Double.longBitsToDouble((h.read32(0) & 0xFFFFFFFFL) | (long) h.read32(4) << 32);
    }

    private static void writeDouble(Host h, double v) {
        long bits = Double.doubleToRawLongBits(v);
        h.write32(0, (int) bits);
        h.write32(4, (int) (bits >>> 32));
    }

    private void load80(Host h, int at, int p) {
        long mantissa = (h.read32(at) & 0xFFFFFFFFL) | (long) h.read32(at + 4) << 32;
        int se = h.read16(at + 8);
        value[p] = fromExtended(mantissa, se);
        empty[p] = false;
        rawMantissa[p] = mantissa;
        rawExponent[p] = se;
        rawValid[p] = true;
    }

    private void store80(Host h, int at, int p) {
        long mantissa;
        int se;
        if (rawValid[p]) {
            mantissa = rawMantissa[p];
            se = rawExponent[p];
        } else {
            long[] x = toExtended(value[p]);
            mantissa = x[0];
            se = (int) x[1];
        }
        h.write32(at, (int) mantissa);
        h.write32(at + 4, (int) (mantissa >>> 32));
        h.write16(at + 8, se);
    }

    /** An 80-bit extended value (64-bit mantissa with explicit integer bit) as a double. */
    static double fromExtended(long mantissa, int signExponent) {
        boolean negative = (signExponent & 0x8000) != 0;
        int e = signExponent & 0x7FFF;
        double v;
        if (e == 0x7FFF) {
            v = (mantissa << 1) == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (mantissa == 0) {
            v = 0;
        } else {
            // Unsigned 64-bit to double, keeping the lowest bit as a sticky bit for rounding.
            double m =
                    mantissa < 0
                            ? ((double) ((mantissa >>> 1) | (mantissa & 1))) * 2
                            : (double) mantissa;
            v = Math.scalb(m, Math.max(e, 1) - 16383 - 63);
        }
        return negative ? -v : v;
    }

    /** A double as {mantissa, sign and exponent} of the 80-bit extended format. */
    static long[] toExtended(double v) {
        long bits = Double.doubleToRawLongBits(v);
        int sign = bits < 0 ? 0x8000 : 0;
        int e = (int) ((bits >>> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        if (e == 0x7FF) {
            return new long[] {fraction == 0 ? 1L << 63 : 0xC000000000000000L, sign | 0x7FFF};
        }
        if (e == 0) {
            if (fraction == 0) {
                return new long[] {0, sign};
            }
            // A double subnormal is a normal extended value.
            int shift = Long.numberOfLeadingZeros(fraction) - 11;
            fraction = (fraction << shift) & ((1L << 52) - 1);
            e = 1 - shift;
        }
        return new long[] {(1L << 63) | (fraction << 11), sign | (e - 1023 + 16383)};
    }

    // ---------------------------------------------------------------- environment

    /** Stores the environment; returns the offset after it. */
    private int storeEnvironment(Host h, boolean op32) {
        if (op32) {
            h.write32(0, 0xFFFF0000 | control);
            h.write32(4, 0xFFFF0000 | status());
            h.write32(8, 0xFFFF0000 | tagWord());
            for (int i = 12; i < 28; i += 4) {
                h.write32(i, 0);
            }
            return 28;
        }
        h.write16(0, control);
        h.write16(2, status());
        h.write16(4, tagWord());
        for (int i = 6; i < 14; i += 2) {
            h.write16(i, 0);
        }
        return 14;
    }

    private int loadEnvironment(Host h, boolean op32) {
        int step = op32 ? 4 : 2;
        control = h.read16(0);
        int s = h.read16(step);
        int tag = h.read16(2 * step);
        status = s & ~0x3800;
        top = (s >> 11) & 7;
        for (int i = 0; i < 8; i++) {
            boolean nowEmpty = ((tag >> (2 * i)) & 3) == TAG_EMPTY;
            empty[i] = nowEmpty;
        }
        return op32 ? 28 : 14;
    }
}
