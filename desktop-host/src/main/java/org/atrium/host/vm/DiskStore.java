package org.atrium.host.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.emulator.storage.ImageFormatException;
import org.atrium.emulator.storage.ImageStore;

/**
 * The host's image store ({@code atrium.host.image-store}): one flat directory holding the golden
 * images an administrator puts there and the files the host makes beside them:
 *
 * <ul>
 *   <li>{@code vm@<id>.disk<N>.qcow2}: VM {@code id}'s overlay for its disk {@code N}, the only
 *       file that VM writes; made when the VM is created, removed when it is deleted;
 *   <li>{@code snap@<name>.disk<N>.qcow2}: snapshot {@code name}'s disk layer {@code N}, a frozen
 *       copy of the template's overlay taken in the same pause as the RAM (docs/adr/0016),
 *       read-only from then on; clones' overlays name it as their backing file.
 * </ul>
 *
 * Golden image names may not contain {@code @}, so the two never meet. Every name goes through
 * emulator-core's {@link ImageStore}: backing names read from images resolve only inside the
 * directory, and a corrupt image is refused before anything is written.
 */
public final class DiskStore {
    /** Disks a VM may have: one per IDE position. */
    public static final int MAX_DISKS = DriveConfig.POSITIONS;

    private static final String VM_PREFIX = "vm@";
    private static final String SNAPSHOT_PREFIX = "snap@";
    // "QFI\xfb", the first four bytes of every qcow2 image.
    private static final int QCOW2_MAGIC = 0x514649fb;
    // QEMU's limit on a backing file name.
    private static final int MAX_BACKING_NAME = 1023;

    /** A file of the store that belongs to a VM or a snapshot. */
    public record DiskFile(String name, String backing, long allocatedBytes) {}

    private final Path dir;

    public DiskStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Checks a golden image name from a request: a plain file name of the store (no path separator,
     * not hidden, no {@code @}, which marks the host's own files).
     *
     * @throws VmProblemException (400) otherwise
     */
    public static String checkGoldenName(String name) {
        if (name == null
                || name.isEmpty()
                || name.length() > 255
                || name.contains("/")
                || name.contains("\\")
                || name.contains("@")
                || name.indexOf('\0') >= 0
                || name.startsWith(".")) {
            throw new VmProblemException(
                    400,
                    "Invalid disk name",
                    "a disk's image must be a file name of the image store: no path separator,"
                            + " no '@', not starting with '.'");
        }
        return name;
    }

    static String overlayName(String vmId, int position) {
        return VM_PREFIX + vmId + ".disk" + position + ".qcow2";
    }

    static String layerName(String snapshot, int position) {
        return SNAPSHOT_PREFIX + snapshot + ".disk" + position + ".qcow2";
    }

    /**
     * Gives VM {@code vmId} a fresh qcow2 overlay on each of {@code bases} (disk N on base N),
     * replacing overlays it had. On a failure no overlay of the VM is left.
     *
     * @throws VmProblemException 404 for a base that is not in the store, 422 for one that is
     *     corrupt or whose backing chain is refused (it is not modified), 400 for too many disks
     */
    public void createOverlays(String vmId, List<DiskSpec> bases) {
        if (bases.size() > MAX_DISKS) {
            throw new VmProblemException(
                    400, "Invalid disk", "a VM has at most " + MAX_DISKS + " disks");
        }
        deleteOverlays(vmId);
        if (bases.isEmpty()) return;
        ImageStore store = openStore();
        for (int i = 0; i < bases.size(); i++) {
            DiskSpec base = bases.get(i);
            if (!Files.exists(dir.resolve(base.image()))) {
                deleteOverlays(vmId);
                throw new VmProblemException(
                        404,
                        "Image not found",
                        "disk image " + base.image() + " is not in the image store");
            }
            try {
                store.createOverlay(overlayName(vmId, i), base.image(), base.format());
            } catch (IOException e) {
                deleteOverlays(vmId);
                throw unusable(base, e);
            } catch (IllegalArgumentException e) {
                deleteOverlays(vmId);
                throw new VmProblemException(
                        422,
                        "Image not usable",
                        "disk image " + base.image() + ": " + e.getMessage());
            }
        }
    }

    /** The drives of VM {@code vmId}'s first {@code count} overlays, disk N at IDE position N. */
    public List<DriveConfig> drives(String vmId, int count) {
        return drives(count, i -> overlayName(vmId, i), false);
    }

    /**
     * Read-only drives on snapshot {@code snapshot}'s first {@code count} disk layers, disk N at
     * IDE position N: for a machine whose writes must reach no file.
     */
    public List<DriveConfig> layerDrives(String snapshot, int count) {
        return drives(count, i -> layerName(snapshot, i), true);
    }

    /** Drives on the store's qcow2 files {@code name(0)} to {@code name(count - 1)}. */
    private List<DriveConfig> drives(int count, IntFunction<String> name, boolean readOnly) {
        List<DriveConfig> drives = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            drives.add(
                    DriveConfig.disk(i, dir.resolve(name.apply(i)), ImageFormat.QCOW2, readOnly));
        }
        return drives;
    }

    /**
     * Freezes VM {@code vmId}'s overlays as the disk layers of snapshot {@code snapshot}: each is
     * copied (call while the VM is paused, after its RAM was written, so disk and RAM match) into a
     * temporary file, forced to stable storage, moved into place and made read-only.
     *
     * @return the layers' names, disk N first
     */
    public List<String> freeze(String vmId, int count, String snapshot) {
        List<String> layers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Path overlay = dir.resolve(overlayName(vmId, i));
                String layer = layerName(snapshot, i);
                Path tmp = Files.createTempFile(dir, ".freeze-", ".partial");
                try {
                    Files.copy(overlay, tmp, StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    Files.move(tmp, dir.resolve(layer), StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                layers.add(layer);
                readOnly(dir.resolve(layer));
            }
        } catch (IOException e) {
            delete(layers);
            throw new VmProblemException(
                    500, "Disk layer not written", "VM " + vmId + ": " + e.getMessage());
        }
        return layers;
    }

    /** Removes VM {@code vmId}'s overlays; idempotent. */
    public void deleteOverlays(String vmId) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < MAX_DISKS; i++) names.add(overlayName(vmId, i));
        delete(names);
    }

    /** Removes files of the store by name (a snapshot's layers); idempotent. */
    public void delete(Collection<String> names) {
        for (String name : names) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The images of the store whose backing file is one of {@code names}: an overlay of a clone,
     * another snapshot's layer, or an administrator's own overlay. Images that cannot be parsed are
     * skipped: they back nothing Atrium opens.
     */
    public List<String> imagesBackedBy(Set<String> names) {
        if (names.isEmpty() || !Files.isDirectory(dir)) return List.of();
        List<String> users = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String backing = backingOf(file);
                if (backing != null && names.contains(backing)) {
                    users.add(file.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return users;
    }

    /** VM {@code vmId}'s overlays as they are on the host now. */
    public List<DiskFile> files(String vmId) {
        List<DiskFile> files = new ArrayList<>();
        for (int i = 0; i < MAX_DISKS; i++) {
            Path file = dir.resolve(overlayName(vmId, i));
            if (Files.isRegularFile(file)) {
                files.add(new DiskFile(file.getFileName().toString(), backingOf(file), size(file)));
            }
        }
        return files;
    }

    /** Bytes of every file the host made in the store (overlays and snapshot layers). */
    public long allocatedBytes() {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            f -> {
                                String n = f.getFileName().toString();
                                return n.startsWith(VM_PREFIX) || n.startsWith(SNAPSHOT_PREFIX);
                            })
                    .mapToLong(DiskStore::size)
                    .sum();
        } catch (IOException e) {
            return -1;
        }
    }

    private ImageStore openStore() {
        try {
            Files.createDirectories(dir);
            return new ImageStore(dir);
        } catch (IOException e) {
            throw new VmProblemException(
                    503, "Image store unusable", "the image store: " + e.getMessage());
        }
    }

    private static VmProblemException unusable(DiskSpec base, IOException e) {
        String what = "disk image " + base.image() + " (" + base.format().qemuName() + ")";
        return switch (e) {
            case ImageFormatException f ->
                    new VmProblemException(
                            422,
                            "Image not usable",
                            what + ": " + f.getMessage() + "; it was not modified");
            // The image is there (checked first): what is missing is a file of its backing chain.
            case NoSuchFileException n ->
                    new VmProblemException(
                            422, "Image not usable", what + ": backing " + n.getMessage());
            case FileSystemException f ->
                    new VmProblemException(503, "Image store failed", what + ": " + f.getReason());
            default -> new VmProblemException(503, "Image store failed", what + ": " + e);
        };
    }

    /**
     * The backing file a qcow2 image names, or null for other files and unreadable images. Reads
     * only the header fields (qcow2 spec: backing_file_offset at byte 8, backing_file_size at 16),
     * so the VM view and the heartbeat's accounting stay cheap; the name is only compared, never
     * opened.
     */
    private static String backingOf(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(20);
            while (header.hasRemaining() && channel.read(header, header.position()) > 0) {}
            if (header.hasRemaining() || header.getInt(0) != QCOW2_MAGIC) return null;
            long offset = header.getLong(8);
            int length = header.getInt(16);
            if (offset <= 0 || length <= 0 || length > MAX_BACKING_NAME) return null;
            ByteBuffer name = ByteBuffer.allocate(length);
            while (name.hasRemaining() && channel.read(name, offset + name.position()) > 0) {}
            if (name.hasRemaining()) return null;
            return new String(name.array(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void readOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        } catch (UnsupportedOperationException e) {
            file.toFile().setReadOnly();
        }
    }
}
