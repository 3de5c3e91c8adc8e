package org.atrium.emulator.cpu;

import java.io.Serial;

/**
 * A guest-visible exception (#GP, #PF, ...) raised while executing an instruction. It unwinds the
 * interpreter to the instruction boundary, where the CPU delivers it through the IVT or IDT. Each
 * {@link Cpu} owns one instance that it refills, so a fault allocates nothing and carries no stack
 * trace.
 */
final class CpuFault extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    int vector;
    boolean hasErrorCode;
    int errorCode;

    CpuFault() {
        super(null, null, false, false);
    }

    CpuFault set(int vector, boolean hasErrorCode, int errorCode) {
        this.vector = vector;
        this.hasErrorCode = hasErrorCode;
        this.errorCode = errorCode;
        return this;
    }

    @Override
    public String getMessage() {
        return "vector "
                + vector
                + (hasErrorCode ? " error " + Integer.toHexString(errorCode) : "");
    }
}
