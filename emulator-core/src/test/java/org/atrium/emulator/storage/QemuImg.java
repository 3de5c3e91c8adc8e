package org.atrium.emulator.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code qemu-img} found on PATH. Locally a missing tool skips the test with a
 * message; under CI (the CI environment variable set) it fails, because CI must have it.
 */
final class QemuImg {
    private QemuImg() {}

    static Path locate() {
        return locate("qemu-img");
    }

    /** A tool of Debian's qemu-utils (qemu-img, qemu-io) on PATH. */
    static Path locate(String tool) {
        String pathVar = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVar.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        if (System.getenv("CI") != null) {
            fail(tool + " is not on PATH; CI must provide it (package qemu-utils)");
        }
        Assumptions.abort(tool + " is not on PATH: skipping the qemu-img interop test");
        return null;
    }

    /** The result of one run: exit status and everything it printed. */
    record Result(int exit, String output) {}

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(locate().toString());
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    /** Runs qemu-img and fails the test unless it exits 0. */
    static String ok(Path workDir, String... args) throws IOException, InterruptedException {
        Result result = run(workDir, args);
        assertEquals(
                0,
                result.exit(),
                () -> "qemu-img " + String.join(" ", args) + " failed:\n" + result.output());
        return result.output();
    }

    /** {@code qemu-img check} must report no errors and no leaks. */
    static void checkClean(Path workDir, String image) throws IOException, InterruptedException {
        String out = ok(workDir, "check", "-f", "qcow2", image);
        if (!out.contains("No errors were found")) {
            fail("qemu-img check of " + image + ":\n" + out);
        }
    }

    /** {@code qemu-img compare} of a raw expectation with an image must find them identical. */
    static void sameContent(Path workDir, String raw, String image, String format)
            throws IOException, InterruptedException {
        Result result = run(workDir, "compare", "-f", "raw", "-F", format, raw, image);
        assertEquals(
                0,
                result.exit(),
                () -> "qemu-img compare " + raw + " " + image + ":\n" + result.output());
    }
}
