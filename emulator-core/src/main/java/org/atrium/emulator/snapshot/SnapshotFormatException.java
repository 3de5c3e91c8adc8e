package org.atrium.emulator.snapshot;

import java.io.IOException;

/**
 * A snapshot file that cannot be loaded: wrong magic, unknown or newer version, a bad checksum,
 * truncation, a missing or duplicate section, sizes out of range, or state no device accepts. The
 * message says which section and why; no machine is left half-restored.
 */
public final class SnapshotFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SnapshotFormatException(String message) {
        super(message);
    }

    public SnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
