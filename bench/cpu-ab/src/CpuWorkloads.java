import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.MachineState;
import org.atrium.emulator.machine.PcMachine;
import org.atrium.emulator.machine.RestoreOptions;

/**
 * One JVM's run of {@code bench/cpu-ab/run}: restores a Linux guest snapshotted at its shell
 * (booting it and saving the snapshot first when the file does not exist), then types each
 * workload into the shell, rounds times in turn, and prints one line per workload: its name and
 * the host wall seconds of each round. A workload's answer is checked against the expected one,
 * so a build that computes wrongly fails instead of looking fast.
 *
 * <p>Arguments: snapshot file, kernel, initramfs, rounds.
 */
public final class CpuWorkloads {
    private static final String PROMPT = "/ # ";
    private static final long LIMIT_NANOS = 30L * 60 * 1_000_000_000L;

    // name, command, expected answer (in the output after the command line's echo)
    private static final String[][] WORKLOADS = {
        {
            "md5sum 32 MiB",
            "dd if=/dev/zero bs=1M count=32 2>/dev/null | md5sum",
            "58f06dd588d8ffb3beb46ada6309436b  -"
        },
        {
            "sha256sum 8 MiB",
            "dd if=/dev/zero bs=1M count=8 2>/dev/null | sha256sum",
            "2daeb1f36095b44b318410b3f4e8b5d989dcc7bb023d1426c492dab0a3053e74  -"
        },
        {
            // Multi-precision arithmetic, as the boot's RSA self-tests run it (lib/mpi).
            "bc 3^30000",
            "echo '3^30000 % 1000007' | bc",
            "252403"
        },
        {
            "sh loop 20k",
            "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo loop=$i",
            "loop=20000"
        },
    };

    private CpuWorkloads() {}

    private static int waitFor(PcMachine machine, int from, String text) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT_NANOS;
        while (true) {
            int at = machine.serialText().indexOf(text, from);
            if (at >= 0) {
                return at;
            }
            if (System.nanoTime() > deadline || machine.state() == MachineState.STOPPED) {
                throw new IllegalStateException(
                        "the guest did not print " + text + ": " + machine.serialText());
            }
            Thread.sleep(2);
        }
    }

    public static void main(String[] args) throws Exception {
        Path snapshot = Path.of(args[0]);
        MachineConfig config =
                MachineConfig.linux(256, null, Path.of(args[1]), Path.of(args[2]), "console=ttyS0");
        int rounds = Integer.parseInt(args[3]);
        if (!Files.exists(snapshot)) {
            PcMachine boot = new PcMachine(config);
            boot.start();
            waitFor(boot, 0, PROMPT);
            boot.serialToGuest().write("echo ready-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            waitFor(boot, 0, "ready-42\r\n" + PROMPT);
            boot.saveSnapshot(snapshot, false);
            boot.stop();
        }
        PcMachine machine = PcMachine.restore(snapshot, config, RestoreOptions.copy());
        machine.start();
        StringBuilder[] lines = new StringBuilder[WORKLOADS.length];
        for (int w = 0; w < WORKLOADS.length; w++) {
            lines[w] = new StringBuilder(WORKLOADS[w][0]);
        }
        for (int round = 0; round < rounds; round++) {
            for (int w = 0; w < WORKLOADS.length; w++) {
                int from = machine.serialText().length();
                long start = System.nanoTime();
                machine.serialToGuest()
                        .write((WORKLOADS[w][1] + "; echo end-$((6*7))\n")
                                .getBytes(StandardCharsets.US_ASCII));
                int end = waitFor(machine, from, "end-42\r\n");
                long nanos = System.nanoTime() - start;
                String out = machine.serialText().substring(from, end);
                if (!out.contains(WORKLOADS[w][2])) {
                    throw new IllegalStateException(
                            WORKLOADS[w][0] + ": expected " + WORKLOADS[w][2] + " in " + out);
                }
                waitFor(machine, from, "end-42\r\n" + PROMPT);
                lines[w].append('\t').append(String.format(Locale.ROOT, "%.3f", nanos / 1e9));
            }
        }
        machine.stop();
        for (StringBuilder line : lines) {
            System.out.println(line);
        }
        System.exit(0);
    }
}
