package org.atrium.host.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.atrium.emulator.machine.PcMachine;
import org.atrium.emulator.snapshot.SnapshotFormatException;

/**
 * Which snapshot files have been checked whole ({@link PcMachine#verifySnapshot}), so that only the
 * first clone of a file pays for reading all of its RAM. A file is known by what it is now, not by
 * its name: its file key (device and inode), size and modification time, so a snapshot replaced or
 * rewritten under the same name is checked again. Callers that want one file checked at the same
 * time share one check. A file found damaged stays refused without being read again (a broker
 * retrying a pool of it would otherwise have the host read all of it at every attempt); a check
 * that failed to read the file is not remembered, and the next caller checks again.
 */
final class SnapshotChecks {
    private record Identity(Object key, long size, FileTime modified) {}

    private record Check(Identity identity, CompletableFuture<Void> done) {}

    private final ConcurrentHashMap<Path, Check> checks = new ConcurrentHashMap<>();

    /**
     * Returns once {@code file}, as it is now, has been checked whole, here or earlier.
     *
     * @throws SnapshotFormatException what the check found wrong with the file
     * @throws IOException if the file cannot be read
     */
    void requireChecked(Path file) throws IOException {
        Identity identity = identify(file);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        Check check =
                checks.compute(
                        file,
                        (f, old) ->
                                old != null
                                                && old.identity().equals(identity)
                                                && !failedToRead(old.done())
                                        ? old
                                        : new Check(identity, mine));
        if (check.done() == mine) {
            try {
                PcMachine.verifySnapshot(file);
                mine.complete(null);
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
            return;
        }
        try {
            check.done().join();
        } catch (CompletionException e) {
            // The other caller's check failed: the same answer, with this caller's stack.
            Throwable cause = e.getCause();
            if (cause instanceof SnapshotFormatException) {
                throw new SnapshotFormatException(cause.getMessage(), cause);
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    /** Whether {@code file}, as it is now, was checked and found damaged. */
    boolean knownDamaged(Path file) {
        Check check = checks.get(file);
        if (check == null
                || !check.done().isCompletedExceptionally()
                || !(check.done().exceptionNow() instanceof SnapshotFormatException)) {
            return false;
        }
        try {
            return check.identity().equals(identify(file));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a check ended for another reason than the file being damaged. */
    private static boolean failedToRead(CompletableFuture<Void> check) {
        return check.isCompletedExceptionally()
                && !(check.exceptionNow() instanceof SnapshotFormatException);
    }

    private static Identity identify(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Identity(a.fileKey(), a.size(), a.lastModifiedTime());
    }
}
