package org.atrium.emulator.machine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The second process of {@link CrossProcessSnapshotTest}: restores the snapshot guest from a file,
 * runs it until it prints {@code done} and copies everything it sends to COM1 to standard output.
 * Arguments: snapshot file, kernel file, {@code copy} or {@code map}.
 */
public final class SnapshotResumeMain {
    private SnapshotResumeMain() {}

    public static void main(String[] args) throws Exception {
        Path snapshot = Path.of(args[0]);
        MachineConfig config = MachineConfig.linux(16, null, Path.of(args[1]), null, null);
        RestoreOptions options =
                args[2].equals("map") ? RestoreOptions.mapPrivate() : RestoreOptions.copy();
        PcMachine machine = PcMachine.restore(snapshot, config, options);
        InputStream serial = machine.serialFromGuest();
        machine.start();
        StringBuilder seen = new StringBuilder();
        OutputStream out = System.out;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!seen.toString().endsWith(SnapshotTestGuest.DONE) && System.nanoTime() < deadline) {
            int b = serial.read();
            if (b < 0) {
                break;
            }
            seen.append((char) b);
            out.write(b);
        }
        out.flush();
        machine.stop();
        System.exit(seen.toString().endsWith(SnapshotTestGuest.DONE) ? 0 : 1);
    }
}
