package org.atrium.host.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The host's snapshots, one file per name in one directory ({@code atrium.host.snapshot-dir}), with
 * a small properties file beside each saying which VM it came from and its guest RAM. A snapshot is
 * immutable once written: clones map its RAM privately, so it must never change under them.
 */
public final class SnapshotStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** What is known of a stored snapshot. */
    public record Entry(String name, Path file, String sourceVm, int memoryMiB) {}

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

    public Optional<Entry> find(String name) {
        Path file = file(name);
        Path meta = meta(file);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(meta)) return Optional.empty();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
            return Optional.of(
                    new Entry(
                            name,
                            file,
                            p.getProperty("sourceVm", ""),
                            Integer.parseInt(p.getProperty("memoryMiB", "0"))));
        } catch (IOException | NumberFormatException e) {
            throw new VmProblemException(
                    500, "Snapshot store unreadable", "snapshot " + name + ": " + e.getMessage());
        }
    }

    /**
     * Saves a snapshot through {@code writer} into a temporary file and moves it into place with
     * its metadata, so a reader never sees half a snapshot.
     */
    public Entry save(
            String name, String sourceVm, int memoryMiB, java.util.function.Consumer<Path> writer) {
        Path file = file(name);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".partial");
            try {
                writer.accept(tmp);
                Properties p = new Properties();
                p.setProperty("sourceVm", sourceVm);
                p.setProperty("memoryMiB", Integer.toString(memoryMiB));
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
        return new Entry(name, file, sourceVm, memoryMiB);
    }

    private static Path meta(Path file) {
        return file.resolveSibling(file.getFileName() + ".properties");
    }
}
