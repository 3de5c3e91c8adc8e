package org.atrium.emulator.cpu.conformance;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The machine's own CPU as the reference: compiles {@code src/test/native/cpu_runner.c} with {@code
 * gcc -m32} into {@code target/} once, then feeds it batches of cases over a pipe (one process per
 * batch, thousands of cases each).
 */
final class NativeCpu {
    private static final Path SOURCE = Path.of("src/test/native/cpu_runner.c");
    private static final Path BINARY = Path.of("target/conformance/cpu_runner");
    private static Path built;
    private static String unavailable;

    private NativeCpu() {}

    /**
     * Whether this machine's CPU is an Intel one, from the vendor Linux reports in {@code
     * /proc/cpuinfo}; true when that cannot be read, so that no other vendor's choices are allowed.
     */
    static boolean intel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("vendor_id")) {
                    return line.endsWith("GenuineIntel");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // not Linux, or no access: compare strictly
        }
        return true;
    }

    /**
     * Builds the runner if needed; returns null when it is ready, or why it cannot be built. The
     * reason is the compiler's own output.
     */
    static synchronized String build() {
        if (built != null || unavailable != null) {
            return unavailable;
        }
        try {
            Files.createDirectories(BINARY.getParent());
            Process gcc =
                    new ProcessBuilder(
                                    "gcc",
                                    "-m32",
                                    "-O1",
                                    "-fno-pie",
                                    "-no-pie",
                                    "-Wall",
                                    "-o",
                                    BINARY.toString(),
                                    SOURCE.toString())
                            .redirectErrorStream(true)
                            .start();
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                unavailable = "gcc -m32 could not build " + SOURCE + ":\n" + output;
            } else {
                built = BINARY;
            }
        } catch (IOException e) {
            unavailable = "gcc could not be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable = "interrupted while compiling the runner";
        }
        return unavailable;
    }

    /** Runs every case on the real CPU, in order. */
    static List<Outcome> run(List<TestCase> cases) {
        if (build() != null) {
            throw new IllegalStateException(unavailable);
        }
        try {
            Process p = new ProcessBuilder(built.toAbsolutePath().toString()).start();
            CompletableFuture<Void> writer =
                    CompletableFuture.runAsync(() -> writeCases(cases, p.getOutputStream()));
            List<Outcome> outcomes = new ArrayList<>(cases.size());
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
                byte[] head = new byte[14 * 4];
                for (int i = 0; i < cases.size(); i++) {
                    in.readFully(head);
                    byte[] memory = new byte[Layout.MEM_SIZE];
                    in.readFully(memory);
                    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                    int vector = b.getInt();
                    b.getInt(); // error code: the emulator's frame differs for faults we model
                    int address = b.getInt();
                    int[] regs = new int[8];
                    for (int r = 0; r < 8; r++) {
                        regs[r] = b.getInt();
                    }
                    int eip = b.getInt();
                    int eflags = b.getInt();
                    int segments = b.getInt();
                    outcomes.add(new Outcome(vector, address, regs, eip, eflags, segments, memory));
                }
            } catch (IOException e) {
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                throw new IllegalStateException("native runner stopped early: " + err, e);
            }
            writer.join();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                throw new IllegalStateException("native runner failed: " + err);
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void writeCases(List<TestCase> cases, OutputStream raw) {
        try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            for (TestCase c : cases) {
                b.clear();
                b.putInt(c.code().length);
                out.write(b.array(), 0, 4);
                out.write(c.code());
                b.clear();
                for (int r : c.registers()) {
                    b.putInt(r);
                }
                b.putInt(c.eflags());
                out.write(b.array(), 0, 36);
                out.write(c.memory());
            }
            b.clear();
            b.putInt(-1);
            out.write(b.array(), 0, 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
