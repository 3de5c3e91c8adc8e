package org.atrium.emulator.storage;

import java.io.IOException;

/**
 * An image that is corrupt, truncated, hostile or uses a feature Atrium does not implement. The
 * image was not modified; the message says what was found and where.
 */
public final class ImageFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageFormatException(String message) {
        super(message);
    }
}
