import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.atrium.emulator.machine.DecodedBlocks;
import org.atrium.emulator.machine.RunCounters;
import org.atrium.host.vm.BootSource;
import org.atrium.host.vm.MachineTuning;
import org.atrium.host.vm.PcMachineFactory;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.Vm;
import org.atrium.host.vm.VmSpec;
import org.atrium.host.vm.VmSupervisor;

/**
 * Instant-clone benchmarks on the host's own VmSupervisor (bench/clones/run starts it; results in
 * docs/benchmarks.md). Subcommands:
 *
 * <ul>
 *   <li>{@code template MEMORY_MIB} boots the Debian guest, waits for its shell, measures its idle
 *       CPU for 30 s and saves snapshot {@code tmpl-MEMORY_MIB} into the store;
 *   <li>{@code start MEMORY_MIB N} first readies the snapshot as a desktop host does at startup
 *       (its file checked, and a throwaway clone run for ATRIUM_BENCH_WARM_UP, default 2s as the
 *       host's {@code atrium.host.snapshot-warm-up}; 0s for a cold first clone), then starts N
 *       clones one after the other, each timed from the request to its console answering a
 *       computed echo, then checks two identities;
 *   <li>{@code idle MEMORY_MIB N SECONDS} starts N clones and measures their CPU while idle;
 *   <li>{@code density MEMORY_MIB MAX MIN_FREE_MIB} adds clones until MAX, until the machine has
 *       less than MIN_FREE_MIB available, or until a console takes more than 1 s to answer.
 * </ul>
 *
 * Environment: ATRIUM_BENCH_STORE (snapshot directory), ATRIUM_BENCH_IMAGES (kernel and initrd
 * directory), ATRIUM_BENCH_KERNEL and ATRIUM_BENCH_INITRD (file names there), ATRIUM_BENCH_APPEND,
 * ATRIUM_BENCH_IDLE_SETUP (a shell line the idle step types into each clone before measuring),
 * ATRIUM_BENCH_WARM_UP (see start).
 */
public class CloneBench {
    static final Path STORE = Path.of(env("ATRIUM_BENCH_STORE", "target/bench-snapshots"));
    static final Path IMAGES = Path.of(env("ATRIUM_BENCH_IMAGES", "."));

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CloneBench template|start|idle|density MEMORY_MIB …");
            System.exit(2);
        }
        int memory = Integer.parseInt(args[1]);
        // As the desktop host runs its VMs (atrium.host.cpu-decoded-blocks, default when-busy;
        // atrium.host.idle-timer-slack, default 16 ms).
        DecodedBlocks decodedBlocks = DecodedBlocks.valueOf(
                env("ATRIUM_BENCH_DECODED_BLOCKS", "when-busy").toUpperCase(Locale.ROOT).replace('-', '_'));
        Duration idleSlack = Duration.parse("PT" + env("ATRIUM_BENCH_IDLE_SLACK", "0.016s"));
        MachineTuning tuning = new MachineTuning(decodedBlocks, idleSlack);
        System.out.println("decoded blocks: " + decodedBlocks + ", idle timer slack: " + idleSlack.toMillis() + " ms");
        SnapshotStore store = new SnapshotStore(STORE);
        Duration warmUp = Duration.parse("PT" + env("ATRIUM_BENCH_WARM_UP", "2s"));
        PcMachineFactory factory =
                new PcMachineFactory(
                        Path.of("/usr/share/seabios"), IMAGES, store, null, null, tuning, warmUp);
        VmSupervisor supervisor =
                new VmSupervisor(
                        factory,
                        1 << 20,
                        1000,
                        store,
                        env(
                                "ATRIUM_BENCH_IDENTITY",
                                "hostname {hostname}; export ATRIUM_HOSTNAME={hostname}"
                                        + " ATRIUM_MAC={macAddress} ATRIUM_SERIAL={serialNumber}"));
        try {
            switch (args[0]) {
                case "template" -> template(supervisor, memory);
                case "start" -> start(supervisor, memory, Integer.parseInt(args[2]));
                case "idle" ->
                        idle(supervisor, memory, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "probe" -> probe(supervisor, memory, args[2], Integer.parseInt(args[3]));
                case "qemu" -> qemu(memory, Integer.parseInt(args[2]));
                case "density" ->
                        density(supervisor, memory, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                default -> throw new IllegalArgumentException("unknown subcommand " + args[0]);
            }
        } finally {
            supervisor.stopAll();
        }
        System.exit(0);
    }

    static void template(VmSupervisor supervisor, int memory) throws Exception {
        long t0 = System.nanoTime();
        String append = env("ATRIUM_BENCH_APPEND", "console=ttyS0 tsc=reliable");
        Vm vm =
                supervisor.create(
                                "template",
                                new VmSpec(
                                        memory,
                                        new BootSource.Kernel(
                                                env("ATRIUM_BENCH_KERNEL", "vmlinuz-686"),
                                                env("ATRIUM_BENCH_INITRD", "initramfs-busybox-2.cpio.gz"),
                                                append),
                                        null))
                        .vm();
        Console console = new Console(vm);
        console.await("ATRIUM-GUEST-READY", 3600);
        console.await("# ", 600);
        System.out.printf(Locale.ROOT, "template %d MiB: shell after %.1f s (append \"%s\")%n", memory, secs(t0), append);
        console.ask("T", 60);
        // Let the shell and the kernel settle before measuring and snapshotting the idle guest.
        Thread.sleep(5_000);
        double[] load = cpuLoad(List.of(vm), 30);
        System.out.printf(Locale.ROOT, "template idle: %.2f %% of one core (VM thread), process %.2f %%%n", 100 * load[0], 100 * load[1]);
        long s0 = System.nanoTime();
        SnapshotStore.Entry entry = supervisor.snapshot("template", "tmpl-" + memory);
        System.out.printf(Locale.ROOT, "snapshot %s: %.2f s, %d MiB file%n", entry.file(), secs(s0), Files.size(entry.file()) >> 20);
    }

    /**
     * The peer: a cold boot of the same guest in QEMU TCG to its shell, then its idle CPU over
     * SECONDS (from /proc, user + system time of the process).
     */
    static void qemu(int memory, int seconds) throws Exception {
        long t0 = System.nanoTime();
        Process p =
                new ProcessBuilder(
                                "qemu-system-i386", "-accel", "tcg", "-m", memory + "M",
                                "-kernel", IMAGES.resolve(env("ATRIUM_BENCH_KERNEL", "vmlinuz-686")).toString(),
                                "-initrd", IMAGES.resolve(env("ATRIUM_BENCH_INITRD", "initramfs-busybox-2.cpio.gz")).toString(),
                                "-append", env("ATRIUM_BENCH_APPEND", "console=ttyS0 tsc=reliable"),
                                "-nographic", "-no-reboot", "-serial", "mon:stdio")
                        .redirectErrorStream(true)
                        .start();
        try {
            Console console = new Console(p.getOutputStream(), p.getInputStream());
            console.await("ATRIUM-GUEST-READY", 600);
            console.await("# ", 600);
            console.ask("Q", 60);
            System.out.printf(Locale.ROOT, "qemu %d MiB: cold boot to shell answer %.2f s%n", memory, secs(t0));
            Thread.sleep(5_000);
            long c0 = procCpuTicks(p.pid());
            long w0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double load = (procCpuTicks(p.pid()) - c0) / 100.0 / secs(w0);
            System.out.printf(Locale.ROOT, "qemu idle: %.2f %% of one core over %d s%n", 100 * load, seconds);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
    static long procCpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Starts one clone, types LINE and prints what the console shows for SECONDS. */
    static void probe(VmSupervisor supervisor, int memory, String line, int seconds) throws Exception {
        Vm vm = supervisor.create("probe", new VmSpec(0, new BootSource.Snapshot("tmpl-" + memory), null)).vm();
        InputStream out = vm.machine().serialFromGuest();
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(System.out);
            } catch (IOException e) {
                // stopped
            }
        });
        OutputStream in = vm.machine().serialToGuest();
        for (String l : line.split(";;")) {
            in.write((l + "\n").getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(seconds * 1000L / 2);
        }
        Thread.sleep(seconds * 1000L / 2);
    }

    /**
     * Waits until the clone's shell has run the identity line the host typed and shows its prompt
     * again: busybox ash drops what is typed while it runs a command, so asking earlier loses the
     * question. Polls the machine's console log, which holds output from before a Console attaches.
     */
    static void settle(Vm vm, int seconds) throws InterruptedException {
        var machine = ((org.atrium.host.vm.PcMachineVm) vm.machine()).machine();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            // busybox breaks the echoed line at the terminal's width, wherever that falls.
            String text = machine.serialText().replace("\r", "").replace("\n", "");
            int at = text.lastIndexOf("ATRIUM_SERIAL=");
            if (at >= 0 && text.indexOf("# ", at) > 0) return;
            Thread.sleep(2);
        }
        throw new IllegalStateException("clone " + vm.id() + " did not take its identity: " + machine.serialText());
    }

    static void start(VmSupervisor supervisor, int memory, int n) throws Exception {
        long p0 = System.nanoTime();
        PcMachineFactory.Prepared prepared =
                (PcMachineFactory.Prepared) supervisor.prepareInBackground("tmpl-" + memory).join();
        System.out.printf(Locale.ROOT, "snapshot prepared in %.0f ms (warm-up clone ran %d instructions)%n",
                secs(p0) * 1000, prepared.warmUpInstructions());
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "clone-" + i;
            long t0 = System.nanoTime();
            Vm vm = supervisor.create(id, new VmSpec(0, new BootSource.Snapshot("tmpl-" + memory), null)).vm();
            settle(vm, 30);
            Console console = new Console(vm);
            console.ask("C" + i, 30);
            double ms = secs(t0) * 1000;
            times.add(ms);
            System.out.printf(Locale.ROOT, "clone %s: request to console answer %.0f ms%n", id, ms);
        }
        String[] names = new String[2];
        for (int i = 0; i < 2; i++) {
            Console console = new Console(supervisor.find("clone-" + i).orElseThrow());
            names[i] = console.ask("I" + i, "$(hostname)_${ATRIUM_MAC}_${ATRIUM_SERIAL}", 30);
        }
        System.out.println("identities: " + names[0] + " | " + names[1]);
        if (names[0].isBlank() || names[0].equals(names[1])) throw new IllegalStateException("two clones share an identity");
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "clone start over %d clones: min %.0f ms, median %.0f ms, max %.0f ms (first %.0f ms)%n",
                n, sorted[0], sorted[n / 2], sorted[n - 1], times.get(0));
    }

    static void idle(VmSupervisor supervisor, int memory, int n, int seconds) throws Exception {
        List<Vm> vms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Vm vm = supervisor.create("idle-" + i, new VmSpec(0, new BootSource.Snapshot("tmpl-" + memory), null)).vm();
            settle(vm, 60);
            // A shell line run in every clone before measuring (to compare guest settings), on the
            // line of the question: ash drops what is typed while it runs a command.
            String setup = env("ATRIUM_BENCH_IDLE_SETUP", "");
            new Console(vm).ask(setup.isEmpty() ? "" : setup + "; ", "C" + i, "x", 60);
            vms.add(vm);
        }
        Thread.sleep(10_000);
        List<RunCounters> before = vms.stream().map(CloneBench::counters).toList();
        var threads = ManagementFactory.getThreadMXBean();
        long user0 = vms.stream().mapToLong(v -> threads.getThreadUserTime(counterThread(v))).sum();
        double[] load = cpuLoad(vms, seconds);
        long user = vms.stream().mapToLong(v -> threads.getThreadUserTime(counterThread(v))).sum() - user0;
        System.out.printf(Locale.ROOT, "idle: %d clones of %d MiB over %d s: %.2f %% of one core per clone (VM threads), process %.2f %% of one core in all%n",
                n, memory, seconds, 100 * load[0] / n, 100 * load[1]);
        RunCounters sum = new RunCounters(0, 0, 0, 0, 0, 0, 0);
        for (int i = 0; i < n; i++) {
            RunCounters d = counters(vms.get(i)).since(before.get(i));
            sum = new RunCounters(sum.instructions() + d.instructions(), sum.sleeps() + d.sleeps(),
                    sum.slackSleeps() + d.slackSleeps(), sum.timerExpiries() + d.timerExpiries(),
                    sum.portAccesses() + d.portAccesses(), sum.interrupts() + d.interrupts(),
                    sum.decodedBlockSwitches() + d.decodedBlockSwitches());
        }
        double perSecond = (double) n * seconds;
        double irqs = Math.max(1, sum.interrupts());
        System.out.printf(Locale.ROOT, "idle per clone and second: %.0f interrupts, %.0f sleeps (%.0f with the idle slack), %.0f timer expiries, %.0f port accesses, %.0f instructions%n",
                sum.interrupts() / perSecond, sum.sleeps() / perSecond, sum.slackSleeps() / perSecond, sum.timerExpiries() / perSecond,
                sum.portAccesses() / perSecond, sum.instructions() / perSecond);
        double userShare = user / (load[0] * seconds * 1e9);
        System.out.printf(Locale.ROOT, "idle per interrupt: %.0f instructions, %.1f port accesses, %.1f us of VM-thread CPU (%.0f %% user, %.0f %% system)%n",
                sum.instructions() / irqs, sum.portAccesses() / irqs, load[0] * seconds * 1e6 / irqs, 100 * userShare, 100 * (1 - userShare));
        System.out.printf(Locale.ROOT, "decoded-block cache switched on or off %d times in all while idle%n", sum.decodedBlockSwitches());
        for (Vm vm : vms) new Console(vm).ask("A", 60);
        System.out.println("all clones still answer");
    }

    static void density(VmSupervisor supervisor, int memory, int max, long minFreeMiB) throws Exception {
        long rss0 = status("VmRSS");
        System.out.printf("density: process before clones: %s%n", memoryLine());
        int n = 0;
        String why = "reached " + max + " clones";
        while (n < max) {
            long free = meminfo("MemAvailable") / 1024;
            if (free < minFreeMiB) {
                why = "machine has " + free + " MiB available (< " + minFreeMiB + ")";
                break;
            }
            Vm vm = supervisor.create("d-" + n, new VmSpec(0, new BootSource.Snapshot("tmpl-" + memory), null)).vm();
            n++;
            long t0 = System.nanoTime();
            // The first clone of a snapshot also checks its RAM and runs on a cold JIT.
            settle(vm, n == 1 ? 120 : 30);
            new Console(vm).ask("C" + n, 30);
            double ms = secs(t0) * 1000;
            if (n % 10 == 0 || ms > 1000) {
                // Every clone so far must still answer within a second.
                double worst = 0;
                for (Vm v : supervisor.list()) {
                    long a = System.nanoTime();
                    new Console(v).ask("W", 30);
                    worst = Math.max(worst, secs(a) * 1000);
                }
                System.out.printf(Locale.ROOT, "%d clones: newest answered in %.0f ms, slowest of all %.0f ms; %s; available %d MiB%n",
                        n, ms, worst, memoryLine(), meminfo("MemAvailable") / 1024);
                if (worst > 1000) {
                    why = "a console took " + Math.round(worst) + " ms to answer";
                    break;
                }
            }
        }
        long rss = status("VmRSS");
        System.out.printf(Locale.ROOT, "density: stopped at %d clones (%s); RSS growth per clone %.1f MiB; %s%n",
                n, why, (rss - rss0) / 1024.0 / Math.max(1, n), memoryLine());
    }

    static long counterThread(Vm vm) {
        return ((org.atrium.host.vm.PcMachineVm) vm.machine()).machine().threadId();
    }

    static RunCounters counters(Vm vm) {
        return ((org.atrium.host.vm.PcMachineVm) vm.machine()).machine().counters();
    }

    /** Fractions of one core used by the VMs' threads together and by the whole process. */
    static double[] cpuLoad(List<Vm> vms, int seconds) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] before = vms.stream().mapToLong(v -> v.machine().cpuTimeNanos()).toArray();
        long p0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long span = System.nanoTime() - t0;
        long vmNanos = 0;
        for (int i = 0; i < vms.size(); i++) vmNanos += vms.get(i).machine().cpuTimeNanos() - before[i];
        return new double[] {(double) vmNanos / span, (double) (os.getProcessCpuTime() - p0) / span};
    }

    static String memoryLine() throws IOException {
        long pss = rollup("Pss");
        long ram = guestRamPss();
        return String.format(Locale.ROOT, "RSS %d MiB (anon %d, file %d), PSS %d MiB (guest RAM %d, the rest %d)",
                status("VmRSS") / 1024, status("RssAnon") / 1024, status("RssFile") / 1024, pss / 1024,
                ram / 1024, (pss - ram) / 1024);
    }

    /**
     * PSS in KiB of the clones' guest RAM: their private mappings of snapshot files, the pages they
     * share and the ones each has written. What is left of the process's PSS is what the host spends
     * beyond guest RAM.
     */
    static long guestRamPss() throws IOException {
        long kib = 0;
        boolean ram = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                ram = line.endsWith(".snapshot");
            } else if (ram && line.startsWith("Pss:")) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib;
    }

    static long status(String key) throws IOException {
        return field(Path.of("/proc/self/status"), key);
    }

    static long rollup(String key) throws IOException {
        return field(Path.of("/proc/self/smaps_rollup"), key);
    }

    static long meminfo(String key) throws IOException {
        return field(Path.of("/proc/meminfo"), key);
    }

    static long field(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** The guest's first serial port: reads from the moment it is made. */
    static final class Console {
        private final OutputStream in;
        private final InputStream out;
        private final StringBuilder seen = new StringBuilder();
        private final Thread reader;

        Console(Vm vm) {
            this(vm.machine().serialToGuest(), vm.machine().serialFromGuest());
        }

        Console(OutputStream in, InputStream out) {
            this.in = in;
            this.out = out;
            this.reader =
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        byte[] buf = new byte[4096];
                                        try {
                                            for (int r; (r = out.read(buf)) > 0; ) {
                                                synchronized (seen) {
                                                    seen.append(new String(buf, 0, r, StandardCharsets.ISO_8859_1));
                                                    seen.notifyAll();
                                                }
                                            }
                                        } catch (IOException e) {
                                            // The machine stopped.
                                        }
                                    });
        }

        /** Waits for {@code text} and answers what came before it; both are consumed. */
        String await(String text, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (seen) {
                while (seen.indexOf(text) < 0) {
                    long left = end - System.nanoTime();
                    if (left <= 0) throw new IllegalStateException("no '" + text + "' in " + tail());
                    seen.wait(Math.max(1, left / 1_000_000));
                }
                int at = seen.indexOf(text);
                String before = seen.substring(0, at);
                seen.delete(0, at + text.length());
                return before;
            }
        }

        /** Types an echo whose answer the guest must compute, and waits for that answer. */
        void ask(String tag, int seconds) throws Exception {
            ask(tag, "x", seconds);
        }

        /** Types {@code echo TAG-$((6*7))-VALUE-END} and answers VALUE as the guest expanded it. */
        String ask(String tag, String value, int seconds) throws Exception {
            return ask("", tag, value, seconds);
        }

        /** As {@link #ask(String, String, int)}, with {@code before} typed first on the same line. */
        String ask(String before, String tag, String value, int seconds) throws Exception {
            in.write((before + "echo " + tag + "-$((6*7))-" + value + "-END\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            String head = tag + "-42-";
            await(head, seconds);
            return await("-END", seconds);
        }

        private String tail() {
            String s = seen.toString();
            return s.substring(Math.max(0, s.length() - 300));
        }
    }
}
