package org.atrium.emulator.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A raw disk image: byte N of the disk is byte N of the file. Holes read as zeros. */
public final class RawImage implements BlockBackend {
    private final FileChannel channel;
    private final boolean readOnly;
    private final long size;

    private RawImage(FileChannel channel, boolean readOnly, long size) {
        this.channel = channel;
        this.readOnly = readOnly;
        this.size = size;
    }

    public static RawImage open(Path path, boolean readOnly) throws IOException {
        FileChannel channel =
                readOnly
                        ? FileChannel.open(path, StandardOpenOption.READ)
                        : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new RawImage(channel, readOnly, channel.size());
    }

    /** Creates a sparse raw image of {@code size} bytes; fails if the file exists. */
    public static void create(Path path, long size) throws IOException {
        if (size < 0 || size % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("size must be a non-negative multiple of 512");
        }
        try (FileChannel channel =
                FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (size > 0) {
                // One byte at the end makes the file sparse at its full length.
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, byte[] buffer, int start, int length) throws IOException {
        BlockBackend.checkRange(this, offset, buffer, start, length);
        ByteBuffer target = ByteBuffer.wrap(buffer, start, length);
        while (target.hasRemaining()) {
            int n = channel.read(target, offset + target.position() - start);
            if (n < 0) {
                // The file shrank under us: what is missing reads as zeros, like a hole.
                while (target.hasRemaining()) {
                    target.put((byte) 0);
                }
            }
        }
    }

    @Override
    public void write(long offset, byte[] buffer, int start, int length) throws IOException {
        if (readOnly) {
            throw new IOException("disk is read-only");
        }
        BlockBackend.checkRange(this, offset, buffer, start, length);
        ByteBuffer source = ByteBuffer.wrap(buffer, start, length);
        while (source.hasRemaining()) {
            channel.write(source, offset + source.position() - start);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            channel.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
