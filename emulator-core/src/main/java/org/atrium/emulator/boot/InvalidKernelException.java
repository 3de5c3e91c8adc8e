package org.atrium.emulator.boot;

import java.io.Serial;

/** A kernel or initrd that cannot be booted; the message says why, for a person to read. */
public final class InvalidKernelException extends IllegalArgumentException {
    @Serial private static final long serialVersionUID = 1L;

    public InvalidKernelException(String message) {
        super(message);
    }
}
