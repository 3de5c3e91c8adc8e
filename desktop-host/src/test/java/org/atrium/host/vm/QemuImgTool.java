package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code qemu-img} (Debian's qemu-utils) on PATH, as a second opinion on the images the
 * host makes. A missing tool skips the test locally and fails it under CI.
 */
final class QemuImgTool {
    private QemuImgTool() {}

    /** Whether qemu-img is on PATH, for tests that only add its opinion when it is. */
    static boolean available() {
        return find() != null;
    }

    private static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "qemu-img");
            if (Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }

    static Path locate() {
        Path found = find();
        if (found != null) return found;
        if (System.getenv("CI") != null) {
            Assertions.fail("qemu-img is not on PATH; CI must provide it (package qemu-utils)");
        }
        Assumptions.abort("qemu-img is not on PATH");
        return null;
    }

    /** Runs qemu-img in {@code dir}; answers its exit status and output. */
    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(locate().toString());
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    record Result(int exit, String output) {}

    static String ok(Path dir, String... args) throws IOException, InterruptedException {
        Result r = run(dir, args);
        assertEquals(0, r.exit(), () -> "qemu-img " + String.join(" ", args) + ":\n" + r.output());
        return r.output();
    }

    /** {@code qemu-img check}: no errors, no leaks. */
    static void checkClean(Path dir, String image) throws IOException, InterruptedException {
        String out = ok(dir, "check", "-f", "qcow2", image);
        assertTrue(out.contains("No errors were found"), "qemu-img check " + image + ":\n" + out);
    }

    /** {@link #checkClean(Path, String)} for each of {@code images}. */
    static void checkClean(Path dir, List<String> images) throws IOException, InterruptedException {
        for (String image : images) {
            checkClean(dir, image);
        }
    }

    /**
     * The guest-visible bytes of {@code image} (qcow2, with its backing chain) as qemu-img reads
     * them.
     */
    static byte[] read(Path dir, String image) throws IOException, InterruptedException {
        Path raw = Files.createTempFile(dir.getParent(), "read-", ".raw");
        try {
            ok(dir, "convert", "-f", "qcow2", "-O", "raw", image, raw.toString());
            return Files.readAllBytes(raw);
        } finally {
            Files.deleteIfExists(raw);
        }
    }
}
