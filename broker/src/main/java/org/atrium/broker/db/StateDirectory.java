package org.atrium.broker.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Small helpers for secrets the broker keeps in its state directory. */
public final class StateDirectory {
    private static final SecureRandom RANDOM = new SecureRandom();

    private StateDirectory() {}

    /** Reads the secret in {@code file}, first writing a random one (mode 600) if it is absent. */
    public static String secret(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] bytes = new byte[32];
                RANDOM.nextBytes(bytes);
                writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** Writes a file readable by its owner only, replacing it atomically. */
    public static void writePrivate(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary =
                Files.createTempFile(
                        file.toAbsolutePath().getParent(),
                        ".tmp-",
                        "",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content);
        Files.move(
                temporary,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
