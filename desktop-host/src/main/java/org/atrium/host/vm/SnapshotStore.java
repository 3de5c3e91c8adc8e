package org.atrium.host.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The host's snapshots, one file per name in one directory ({@code atrium.host.snapshot-dir}), with
 * a small properties file beside each saying which VM it came from, its guest RAM and its disk
 * layers (files of the host's {@link DiskStore}). A snapshot is immutable once written: clones map
 * its RAM privately and write overlays on its disk layers, so neither may change under them.
 */
public final class SnapshotStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /**
     * What is known of a stored snapshot.
     *
     * @param disks the names of its disk layers in the image store, disk N first; empty for a VM
     *     without disks
     */
    public record Entry(
            String name, Path file, String sourceVm, int memoryMiB, List<String> disks) {
        public Entry {
            disks = disks == null ? List.of() : List.copyOf(disks);
        }

        public Entry(String name, Path file, String sourceVm, int memoryMiB) {
            this(name, file, sourceVm, memoryMiB, List.of());
        }
    }

    private final Path dir;

    public SnapshotStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The file of snapshot {@code name}; the name is checked, never taken as a path. */
    public Path file(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new VmProblemException(
                    400,
                    "Invalid snapshot name",
                    "a snapshot name is 1 to 63 letters, digits, '.', '_' or '-'");
        }
        return dir.resolve(name + ".snapshot");
    }

    /**
     * The names of the stored snapshots, the most recently written first; a file whose name is not
     * a snapshot name, or that has no metadata, is none.
     */
    public List<String> names() {
        if (!Files.isDirectory(dir)) return List.of();
        record Named(String name, long modified) {}
        List<Named> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.snapshot")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - ".snapshot".length());
                if (NAME.matcher(name).matches()
                        && Files.isRegularFile(file)
                        && Files.isRegularFile(meta(file))) {
                    found.add(new Named(name, Files.getLastModifiedTime(file).toMillis()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingLong(Named::modified).reversed().thenComparing(Named::name));
        return found.stream().map(Named::name).toList();
    }

    public Optional<Entry> find(String name) {
        Path file = file(name);
        Path meta = meta(file);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(meta)) return Optional.empty();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
            String disks = p.getProperty("disks", "");
            return Optional.of(
                    new Entry(
                            name,
                            file,
                            p.getProperty("sourceVm", ""),
                            Integer.parseInt(p.getProperty("memoryMiB", "0")),
                            disks.isEmpty() ? List.of() : List.of(disks.split(","))));
        } catch (IOException | NumberFormatException e) {
            throw new VmProblemException(
                    500, "Snapshot store unreadable", "snapshot " + name + ": " + e.getMessage());
        }
    }

    /**
     * Saves a snapshot through {@code writer} into a temporary file and moves it into place with
     * its metadata, so a reader never sees half a snapshot.
     */
    public Entry save(String name, String sourceVm, int memoryMiB, Consumer<Path> writer) {
        return saveWithDisks(
                name,
                sourceVm,
                memoryMiB,
                tmp -> {
                    writer.accept(tmp);
                    return List.of();
                });
    }

    /**
     * Saves a snapshot whose {@code writer} also answers the disk layers it froze for it (names in
     * the image store), recorded in the metadata.
     */
    public Entry saveWithDisks(
            String name, String sourceVm, int memoryMiB, Function<Path, List<String>> writer) {
        Path file = file(name);
        List<String> disks;
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".partial");
            try {
                disks = List.copyOf(writer.apply(tmp));
                Properties p = new Properties();
                p.setProperty("sourceVm", sourceVm);
                p.setProperty("memoryMiB", Integer.toString(memoryMiB));
                p.setProperty("disks", String.join(",", disks));
                Path metaTmp = Files.createTempFile(dir, name, ".partial-meta");
                try (OutputStream out = Files.newOutputStream(metaTmp)) {
                    p.store(out, "Atrium snapshot metadata");
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                Files.move(metaTmp, meta(file), StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Entry(name, file, sourceVm, memoryMiB, disks);
    }

    /**
     * Removes a snapshot's file and metadata (the metadata first: without it the snapshot is gone
     * for {@link #find}); its disk layers are the caller's. False when there was none.
     */
    public boolean delete(String name) {
        Path file = file(name);
        try {
            boolean meta = Files.deleteIfExists(meta(file));
            return Files.deleteIfExists(file) || meta;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path meta(Path file) {
        return file.resolveSibling(file.getFileName() + ".properties");
    }
}
