package org.atrium.emulator.device.ide;

import org.atrium.emulator.storage.BlockBackend;

/**
 * A drive on an IDE channel: an ATA hard disk on a {@link BlockBackend}, or an ATAPI CD-ROM whose
 * medium (2048-byte sectors) may be absent. The geometry reported in IDENTIFY is the usual
 * translation of 16 heads and 63 sectors per track.
 */
public final class IdeDrive {
    /** What answers on the wire. */
    public enum Kind {
        HARD_DISK,
        CDROM
    }

    static final int HEADS = 16;
    static final int SECTORS_PER_TRACK = 63;

    private final Kind kind;
    private BlockBackend medium;
    private final String serial;

    private IdeDrive(Kind kind, BlockBackend medium, String serial) {
        this.kind = kind;
        this.medium = medium;
        this.serial = serial;
    }

    public static IdeDrive hardDisk(BlockBackend disk, String serial) {
        return new IdeDrive(Kind.HARD_DISK, disk, serial);
    }

    /** A CD-ROM drive; {@code medium} may be null for an empty tray. */
    public static IdeDrive cdrom(BlockBackend medium, String serial) {
        return new IdeDrive(Kind.CDROM, medium, serial);
    }

    public Kind kind() {
        return kind;
    }

    public BlockBackend medium() {
        return medium;
    }

    /** Changes the CD-ROM medium; null ejects it. */
    public void insert(BlockBackend newMedium) {
        if (kind != Kind.CDROM) {
            throw new IllegalStateException("only a CD-ROM takes a new medium");
        }
        this.medium = newMedium;
    }

    String serial() {
        return serial;
    }

    long sectors() {
        return medium == null ? 0 : medium.size() / 512;
    }

    int cylinders() {
        return (int) Math.min(16383, sectors() / (HEADS * SECTORS_PER_TRACK));
    }
}
