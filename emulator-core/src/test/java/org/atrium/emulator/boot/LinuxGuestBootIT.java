package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import org.atrium.emulator.machine.ExitReason;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.PcMachine;
import org.junit.jupiter.api.Test;

/**
 * Boots Debian 12's i386 kernel with a busybox initramfs (both made by {@code
 * guests/debian-i386/build}, which this test runs: it downloads the packages the first time) to a
 * shell on the serial console, runs a few commands there and powers the machine off. Nothing is
 * mocked: it is the whole emulator against a real guest.
 */
class LinuxGuestBootIT {
    // Generous: the emulator is an interpreter and CI machines are shared. This bounds a hang; the
    // test asserts no duration.
    private static final Duration BOOT_LIMIT = Duration.ofMinutes(30);
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(5);
    private static final String PROMPT = "/ # ";

    private final StringBuffer serial = new StringBuffer();

    private static List<Path> buildGuest() throws IOException, InterruptedException {
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
        return paths;
    }

    @Test
    void debianKernelBootsToABusyboxShellAndPowersOff() throws Exception {
        List<Path> guest = buildGuest();
        assertTrue(Files.size(guest.get(0)) > 1 << 20, "kernel present");

        PcMachine machine =
                new PcMachine(
                        MachineConfig.linux(
                                256, null, guest.get(0), guest.get(1), "console=ttyS0"));
        CompletableFuture<ExitReason> exit = new CompletableFuture<>();
        machine.addExitListener(
                (reason, error) -> {
                    if (error != null) {
                        exit.completeExceptionally(error);
                    } else {
                        exit.complete(reason);
                    }
                });
        InputStream fromGuest = machine.serialFromGuest();
        OutputStream toGuest = machine.serialToGuest();
        Thread.ofVirtual()
                .start(
                        () -> {
                            try {
                                for (int b; (b = fromGuest.read()) >= 0; ) {
                                    serial.append((char) b);
                                }
                            } catch (IOException e) {
                                serial.append("\n[serial read failed: ").append(e).append(']');
                            }
                        });
        machine.start();
        try {
            awaitOutput("ATRIUM-GUEST-READY", 0, BOOT_LIMIT, exit);
            awaitOutput(PROMPT, 0, COMMAND_LIMIT, exit);

            String uname = run(toGuest, "uname -a", exit);
            assertTrue(uname.contains("Linux"), uname);
            assertTrue(uname.contains("6.1.0-"), uname);
            assertTrue(uname.contains("686"), uname);

            String cpuinfo = run(toGuest, "cat /proc/cpuinfo", exit);
            assertTrue(cpuinfo.matches("(?s).*fpu\\s*: yes.*"), cpuinfo);
            assertTrue(cpuinfo.matches("(?s).*flags\\s*:.* fpu .*cx8.*cmov.*"), cpuinfo);

            assertEquals("42", run(toGuest, "echo $((6*7))", exit).strip());

            run(toGuest, "echo hello > /tmp/f", exit);
            // md5("hello\n"), as coreutils computes it on the host.
            assertTrue(
                    run(toGuest, "md5sum /tmp/f", exit)
                            .contains("b1946ac92492d2347c6235b4d2611184  /tmp/f"),
                    serial::toString);

            send(toGuest, "poweroff -f");
            ExitReason reason;
            try {
                reason = exit.get(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                reason = null;
            }
            assertEquals(ExitReason.POWER_OFF, reason, () -> "after poweroff -f:\n" + tail());
        } finally {
            machine.stop();
            // The whole console transcript, for reading a failure (and a success) after the run.
            Path transcript = Path.of("target", "LinuxGuestBootIT-serial.log");
            Files.createDirectories(transcript.getParent());
            Files.writeString(transcript, serial, StandardCharsets.ISO_8859_1);
        }
    }

    /** Types a command and returns what it printed before the next prompt. */
    private String run(OutputStream toGuest, String command, CompletableFuture<ExitReason> exit)
            throws Exception {
        int from = serial.length();
        send(toGuest, command);
        int echoed = awaitOutput(command, from, COMMAND_LIMIT, exit);
        int start = serial.indexOf("\n", echoed) + 1;
        int end = awaitOutput(PROMPT, start, COMMAND_LIMIT, exit);
        return serial.substring(start, end).replace("\r", "");
    }

    private static void send(OutputStream toGuest, String command) throws IOException {
        toGuest.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        toGuest.flush();
    }

    private int awaitOutput(
            String text, int from, Duration limit, CompletableFuture<ExitReason> exit)
            throws Exception {
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

    private String tail() {
        String s = serial.toString();
        return s.substring(Math.max(0, s.length() - 4000));
    }
}
