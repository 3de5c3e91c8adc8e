package org.atrium.emulator.storage;

import java.io.IOException;

/**
 * Opens the backing file an overlay names. The name comes from inside an image and is untrusted:
 * {@link ImageStore} resolves it only inside its own directory and bounds the chain.
 */
@FunctionalInterface
public interface BackingResolver {
    /**
     * @param name the backing file name exactly as the image stores it
     * @param format the backing format from the image's header extension, or null when absent
     * @return the backing disk, always read-only
     */
    BlockBackend openBacking(String name, ImageFormat format) throws IOException;

    /** Refuses every backing file: for images that must stand alone. */
    BackingResolver NONE =
            (name, format) -> {
                throw new ImageFormatException(
                        "image names backing file '" + name + "' but no image store resolves it");
            };
}
