package org.atrium.emulator.storage;

import java.io.Closeable;
import java.io.IOException;

/**
 * A virtual disk as a device sees it: a fixed number of bytes, read and written at any byte offset.
 * Sector helpers use 512-byte sectors. Writes reach the host's page cache in the order they are
 * issued; {@link #flush()} forces them to stable storage.
 */
public interface BlockBackend extends Closeable {
    int SECTOR_SIZE = 512;

    /** Virtual size in bytes. */
    long size();

    boolean readOnly();

    /** Reads {@code length} bytes at {@code offset}; the range must lie inside {@link #size()}. */
    void read(long offset, byte[] buffer, int start, int length) throws IOException;

    /** Writes {@code length} bytes at {@code offset}; the range must lie inside {@link #size()}. */
    void write(long offset, byte[] buffer, int start, int length) throws IOException;

    /** Forces every completed write, data and metadata, to stable storage. */
    void flush() throws IOException;

    @Override
    void close() throws IOException;

    default long sectors() {
        return size() / SECTOR_SIZE;
    }

    default void readSectors(long sector, byte[] buffer, int start, int count) throws IOException {
        read(sector * SECTOR_SIZE, buffer, start, count * SECTOR_SIZE);
    }

    default void writeSectors(long sector, byte[] buffer, int start, int count) throws IOException {
        write(sector * SECTOR_SIZE, buffer, start, count * SECTOR_SIZE);
    }

    /** Checks an access against the disk size and buffer; shared by the implementations. */
    static void checkRange(BlockBackend disk, long offset, byte[] buffer, int start, int length)
            throws IOException {
        if (start < 0 || length < 0 || start > buffer.length - length) {
            throw new IllegalArgumentException("buffer range outside the array");
        }
        if (offset < 0 || offset > disk.size() - length) {
            throw new IOException(
                    "access at byte "
                            + offset
                            + " length "
                            + length
                            + " outside a disk of "
                            + disk.size()
                            + " bytes");
        }
    }
}
