package org.atrium.emulator.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * A directory of disk images. Every name, whether a caller's or a backing file name read from
 * inside an image, resolves only to a regular file inside the directory: absolute names, {@code ..}
 * segments and symbolic links that lead out of it are refused. Backing chains are bounded in depth
 * and may not loop. Backing images are always opened read-only.
 */
public final class ImageStore {
    /** Longest backing chain followed, counting the top image. */
    public static final int DEFAULT_MAX_CHAIN = 16;

    private final Path root;
    private final int maxChain;
    private final long sizeCap;

    public ImageStore(Path directory) throws IOException {
        this(directory, DEFAULT_MAX_CHAIN, Qcow2Image.DEFAULT_SIZE_CAP);
    }

    public ImageStore(Path directory, int maxChain, long sizeCap) throws IOException {
        this.root = directory.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException("image store " + directory + " is not a directory");
        }
        this.maxChain = maxChain;
        this.sizeCap = sizeCap;
    }

    public Path root() {
        return root;
    }

    /** Opens an image and its backing chain; {@code format} is what the caller knows it to be. */
    public BlockBackend open(String name, ImageFormat format, boolean readOnly) throws IOException {
        Path path = resolve(name, root);
        return open(path, format, readOnly, new HashSet<>(), 1);
    }

    /** Creates a sparse raw image. */
    public void createRaw(String name, long size) throws IOException {
        RawImage.create(newFile(name), size);
    }

    /** Creates a standalone qcow2 image with 64 KiB clusters. */
    public void createQcow2(String name, long size) throws IOException {
        createQcow2(name, size, 16);
    }

    public void createQcow2(String name, long size, int clusterBits) throws IOException {
        Qcow2Image.create(newFile(name), size, clusterBits, null, null);
    }

    /**
     * Creates a qcow2 overlay on {@code backingName} (a name in this store), the size of the
     * backing image. The overlay stores the backing name relative to its own directory, as {@code
     * qemu-img create -b} does, with the backing format.
     */
    public void createOverlay(String name, String backingName, ImageFormat backingFormat)
            throws IOException {
        Path target = newFile(name);
        Path base = resolve(backingName, root);
        long size;
        try (BlockBackend backing = open(base, backingFormat, true, new HashSet<>(), 1)) {
            size = backing.size();
        }
        String stored = target.getParent().relativize(base).toString();
        Qcow2Image.create(target, size, 16, stored, backingFormat);
    }

    private BlockBackend open(
            Path path, ImageFormat format, boolean readOnly, Set<Path> chain, int depth)
            throws IOException {
        if (depth > maxChain) {
            throw new ImageFormatException(
                    "backing chain deeper than " + maxChain + " images at " + relative(path));
        }
        if (!chain.add(path)) {
            throw new ImageFormatException("backing chain loops back to " + relative(path));
        }
        ImageFormat actual = format == null ? probe(path) : format;
        if (actual == ImageFormat.RAW) {
            return RawImage.open(path, readOnly);
        }
        BackingResolver resolver =
                (backingName, backingFormat) ->
                        open(
                                resolve(backingName, path.getParent()),
                                backingFormat,
                                true,
                                chain,
                                depth + 1);
        return Qcow2Image.open(path, readOnly, resolver, sizeCap);
    }

    /**
     * The format of an image that does not say: qcow2 by its magic, else raw. Used only for backing
     * files of old images that lack the backing format extension.
     */
    private static ImageFormat probe(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(4);
            channel.read(magic, 0);
            return magic.position() == 4 && magic.getInt(0) == Qcow2Header.MAGIC
                    ? ImageFormat.QCOW2
                    : ImageFormat.RAW;
        }
    }

    /** Resolves an untrusted name against {@code base}, which lies inside the store. */
    private Path resolve(String name, Path base) throws IOException {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new ImageFormatException("image name '" + name + "' is invalid");
        }
        Path given = root.getFileSystem().getPath(name);
        if (given.isAbsolute()) {
            throw new ImageFormatException(
                    "image name '" + name + "' is absolute; only names inside the store resolve");
        }
        for (Path segment : given) {
            if (segment.toString().equals("..")) {
                throw new ImageFormatException(
                        "image name '" + name + "' climbs out with '..'; refused");
            }
        }
        Path candidate = base.resolve(given).normalize();
        if (!candidate.startsWith(root)) {
            throw new ImageFormatException("image name '" + name + "' leaves the store");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("image '" + name + "' not found in the store");
        }
        if (!real.startsWith(root)) {
            throw new ImageFormatException(
                    "image name '" + name + "' is a link that leads out of the store; refused");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageFormatException("image '" + name + "' is not a regular file");
        }
        return real;
    }

    private Path newFile(String name) throws IOException {
        Path given = root.getFileSystem().getPath(name);
        if (name.isEmpty() || given.isAbsolute() || given.getNameCount() != 1) {
            throw new ImageFormatException(
                    "new image name '" + name + "' must be a plain file name in the store");
        }
        if (name.equals("..") || name.equals(".")) {
            throw new ImageFormatException("new image name '" + name + "' is invalid");
        }
        return root.resolve(given);
    }

    private String relative(Path path) {
        return root.relativize(path).toString();
    }
}
