package org.atrium.emulator.machine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The second process of the cross-process snapshot tests: restores a machine from a file, types a
 * line into its COM1 if asked, runs it until COM1 shows a given text and copies everything the
 * guest sends there to standard output. Exits 0 when the text came, 1 otherwise.
 *
 * <p>Arguments: snapshot file, RAM in MiB, kernel file, {@code copy} or {@code map}, the text to
 * wait for, and optionally a line to type.
 */
public final class SnapshotResumeMain {
    private SnapshotResumeMain() {}

    public static void main(String[] args) throws Exception {
        Path snapshot = Path.of(args[0]);
        MachineConfig config =
                MachineConfig.linux(Integer.parseInt(args[1]), null, Path.of(args[2]), null, null);
        RestoreOptions options =
                args[3].equals("map") ? RestoreOptions.mapPrivate() : RestoreOptions.copy();
        String until = args[4];
        PcMachine machine = PcMachine.restore(snapshot, config, options);
        InputStream serial = machine.serialFromGuest();
        machine.start();
        if (args.length > 5) {
            machine.serialToGuest().write(args[5].getBytes(StandardCharsets.ISO_8859_1));
        }
        StringBuilder seen = new StringBuilder();
        OutputStream out = System.out;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        // A guest that never prints the text still ends the process, at the deadline.
        Thread.ofPlatform()
                .daemon()
                .start(
                        () -> {
                            try {
                                Thread.sleep(
                                        TimeUnit.NANOSECONDS.toMillis(
                                                deadline - System.nanoTime()));
                            } catch (InterruptedException e) {
                                return;
                            }
                            machine.stop();
                        });
        while (seen.indexOf(until) < 0) {
            int b = serial.read();
            if (b < 0) {
                break;
            }
            seen.append((char) b);
            out.write(b);
        }
        out.flush();
        machine.stop();
        System.exit(seen.indexOf(until) >= 0 ? 0 : 1);
    }
}
