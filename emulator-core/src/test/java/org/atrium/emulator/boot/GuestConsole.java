package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.atrium.emulator.machine.ExitReason;
import org.atrium.emulator.machine.PcMachine;

/**
 * The serial console of a test guest as a person at a terminal uses it: wait for text, type a
 * command, read what it printed up to the next busybox prompt. Keeps the whole transcript for
 * reading a failure.
 */
public final class GuestConsole {
    static final String PROMPT = "/ # ";

    /** The test guest's files, as {@code guests/debian-i386/build} prints them. */
    public record Guest(Path kernel, Path initramfs, Path disk) {}

    private final StringBuffer serial = new StringBuffer();
    private final CompletableFuture<ExitReason> exit = new CompletableFuture<>();
    private final OutputStream toGuest;
    private final Duration commandLimit;

    /**
     * Attaches to a machine that has not started yet; the console is also written, as it comes, to
     * {@code target/<name>-serial.log}, and the firmware's debug console to {@code
     * target/<name>-debugcon.log}.
     */
    GuestConsole(PcMachine machine, Duration commandLimit, String name) throws IOException {
        this.commandLimit = commandLimit;
        Path live = Path.of("target", name + "-serial.log");
        Files.createDirectories(live.getParent());
        OutputStream log = Files.newOutputStream(live);
        machine.addExitListener(
                (reason, error) -> {
                    if (error != null) {
                        exit.completeExceptionally(error);
                    } else {
                        exit.complete(reason);
                    }
                });
        // The firmware's log (SeaBIOS writes it to port 0x402) beside it, for reading a failure.
        InputStream firmware = machine.debugConsole();
        OutputStream firmwareLog = Files.newOutputStream(Path.of("target", name + "-debugcon.log"));
        Thread.ofVirtual()
                .start(
                        () -> {
                            try (firmwareLog) {
                                firmware.transferTo(firmwareLog);
                            } catch (IOException e) {
                                // The log is a help for reading failures; the test goes on.
                            }
                        });
        InputStream fromGuest = machine.serialFromGuest();
        toGuest = machine.serialToGuest();
        Thread.ofVirtual()
                .start(
                        () -> {
                            try {
                                try (log) {
                                    for (int b; (b = fromGuest.read()) >= 0; ) {
                                        serial.append((char) b);
                                        log.write(b);
                                        if (b == '\n') {
                                            log.flush();
                                        }
                                    }
                                }
                            } catch (IOException e) {
                                serial.append("\n[serial read failed: ").append(e).append(']');
                            }
                        });
    }

    /** Runs the guest build (it downloads the packages the first time) and returns its files. */
    public static Guest buildGuest() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("atrium.root", "..")).toAbsolutePath();
        Process p =
                new ProcessBuilder(root.resolve("guests/debian-i386/build").toString())
                        .directory(root.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "guests/debian-i386/build failed");
        List<Path> paths = out.lines().map(Path::of).toList();
        assertEquals(
                3, paths.size(), "the build prints the kernel, initramfs and disk paths: " + out);
        return new Guest(paths.get(0), paths.get(1), paths.get(2));
    }

    CompletableFuture<ExitReason> exit() {
        return exit;
    }

    /** Types a command and returns what it printed before the next prompt. */
    String run(String command) throws Exception {
        int from = serial.length();
        send(command);
        int echoed = awaitOutput(command, from, commandLimit);
        int start = serial.indexOf("\n", echoed) + 1;
        int end = awaitOutput(PROMPT, start, commandLimit);
        return serial.substring(start, end).replace("\r", "");
    }

    void send(String command) throws IOException {
        toGuest.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        toGuest.flush();
    }

    /** Waits for {@code text} at or after {@code from}; fails when the machine stops first. */
    int awaitOutput(String text, int from, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            int at = serial.indexOf(text, from);
            if (at >= 0) {
                return at;
            }
            if (exit.isDone()) {
                fail(
                        "the machine stopped ("
                                + exit.handle((r, e) -> r + " " + e).get()
                                + ") before \""
                                + text
                                + "\":\n"
                                + tail());
            }
            Thread.sleep(100);
        }
        return fail("no \"" + text + "\" on the serial console within " + limit + ":\n" + tail());
    }

    int length() {
        return serial.length();
    }

    /** How the machine ended within {@code limit}, or null if it still runs. */
    ExitReason awaitExit(Duration limit) throws Exception {
        try {
            return exit.get(limit.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }

    String tail() {
        String s = serial.toString();
        return s.substring(Math.max(0, s.length() - 4000));
    }
}
