package org.atrium.emulator.machine;

import java.io.IOException;

/**
 * A drive's image that cannot be opened: missing, unreadable, or refused by the storage layer
 * (corrupt, hostile or unsupported). The message names the image and says why, on one line.
 */
public final class DiskImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public DiskImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
