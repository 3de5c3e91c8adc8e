package org.atrium.emulator.machine;

import java.nio.file.Path;
import java.util.Objects;
import org.atrium.emulator.storage.ImageFormat;

/**
 * A drive on the board's IDE controller and the image behind it.
 *
 * <p>The image opens through an image store rooted at its own directory: a qcow2 overlay's backing
 * file must lie in that directory or below it (backing names inside an image are untrusted).
 *
 * @param position 0 primary master, 1 primary slave, 2 secondary master, 3 secondary slave (QEMU's
 *     {@code index=})
 * @param media a hard disk or a CD-ROM drive
 * @param image the image file; {@code null} only for a CD-ROM drive without a disc
 * @param format the image's format (it is never guessed)
 * @param readOnly whether the guest may not write; a CD-ROM is always read-only
 */
public record DriveConfig(
        int position, Media media, Path image, ImageFormat format, boolean readOnly) {
    /** What kind of drive answers on the IDE channel. */
    public enum Media {
        DISK,
        CDROM
    }

    public static final int POSITIONS = 4;

    public DriveConfig {
        if (position < 0 || position >= POSITIONS) {
            throw new IllegalArgumentException("IDE position must be 0 to 3, got " + position);
        }
        Objects.requireNonNull(media, "media");
        if (image == null && media == Media.DISK) {
            throw new IllegalArgumentException("a hard disk needs an image");
        }
        if (image != null) {
            Objects.requireNonNull(format, "format");
        }
        if (media == Media.CDROM) {
            readOnly = true;
        }
    }

    /** A hard disk at {@code position}. */
    public static DriveConfig disk(int position, Path image, ImageFormat format, boolean readOnly) {
        return new DriveConfig(position, Media.DISK, image, format, readOnly);
    }

    /** A CD-ROM drive at {@code position} with a raw (ISO) disc, or none for {@code null}. */
    public static DriveConfig cdrom(int position, Path image) {
        return new DriveConfig(
                position, Media.CDROM, image, image == null ? null : ImageFormat.RAW, true);
    }
}
