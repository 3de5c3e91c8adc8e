package org.atrium.host.vm;

import java.util.Locale;
import java.util.Objects;
import org.atrium.emulator.storage.ImageFormat;

/**
 * A disk of a VM: a golden image of the host's image store, by name, that the VM never writes (it
 * writes a qcow2 overlay of its own, see {@link DiskStore}).
 *
 * @param image the golden image's file name in the store
 * @param format its format; the name's suffix decides when a request leaves it out ({@link #of})
 */
public record DiskSpec(String image, ImageFormat format) {
    public DiskSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(format, "format");
    }

    /**
     * A disk on {@code image}; {@code format} is {@code raw} or {@code qcow2}, or {@code null} for
     * qcow2 when the name ends in {@code .qcow2} and raw otherwise.
     *
     * @throws VmProblemException (400) for another format or a name that is not a plain file name
     */
    public static DiskSpec of(String image, String format) {
        String name = DiskStore.checkGoldenName(image);
        if (format == null) {
            return new DiskSpec(
                    name,
                    name.toLowerCase(Locale.ROOT).endsWith(".qcow2")
                            ? ImageFormat.QCOW2
                            : ImageFormat.RAW);
        }
        return switch (format) {
            case "raw" -> new DiskSpec(name, ImageFormat.RAW);
            case "qcow2" -> new DiskSpec(name, ImageFormat.QCOW2);
            default ->
                    throw new VmProblemException(
                            400, "Invalid disk", "a disk's format is \"raw\" or \"qcow2\"");
        };
    }
}
