package org.atrium.host.vm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Resource accounting of this host: guest RAM committed per VM and in all, CPU time of each VM's
 * CPU thread and of the whole process, and the process's resident memory. Loads are fractions of
 * one core (a VM) or of all cores (the host) over the time since the previous sample at least
 * {@link #MIN_INTERVAL_NANOS} ago, so heartbeats and API calls see the recent load, not the load
 * since boot. Disk use is the bytes of the files the host made in its image store: per VM its
 * overlays, for the host also the snapshots' disk layers (golden images are not counted).
 */
public final class ResourceMeter {
    static final long MIN_INTERVAL_NANOS = 500_000_000L;

    /** One VM's share. */
    public record VmUsage(
            String id,
            VmState state,
            boolean guestReady,
            int memoryMiB,
            long cpuTimeMillis,
            double cpuLoad,
            long diskAllocatedBytes) {}

    /** The host's totals and its VMs. */
    public record HostUsage(
            int vms,
            int maxVms,
            long committedMemoryMiB,
            long maxGuestMemoryMiB,
            long freeMemoryMiB,
            int cores,
            double cpuLoad,
            long residentMemoryMiB,
            long diskAllocatedBytes,
            List<VmUsage> vmUsage) {}

    private record Sample(long wallNanos, long processCpuNanos, Map<String, Long> vmCpuNanos) {}

    private final VmSupervisor supervisor;
    private final LongSupplier wall;
    private Sample previous;
    private Sample current;

    public ResourceMeter(VmSupervisor supervisor) {
        this(supervisor, System::nanoTime);
    }

    ResourceMeter(VmSupervisor supervisor, LongSupplier wall) {
        this.supervisor = supervisor;
        this.wall = wall;
    }

    public synchronized HostUsage sample() {
        List<Vm> vms = supervisor.list();
        Map<String, Long> cpu = new HashMap<>();
        for (Vm vm : vms) cpu.put(vm.id(), vm.machine().cpuTimeNanos());
        Sample now = new Sample(wall.getAsLong(), processCpuNanos(), cpu);
        if (current == null || now.wallNanos() - current.wallNanos() >= MIN_INTERVAL_NANOS) {
            previous = current;
            current = now;
        }
        Sample base = previous;
        double span = base == null ? 0 : now.wallNanos() - base.wallNanos();
        int cores = Runtime.getRuntime().availableProcessors();
        double hostLoad =
                base == null || span <= 0 || now.processCpuNanos() < 0
                        ? 0
                        : (now.processCpuNanos() - base.processCpuNanos()) / span / cores;
        List<VmUsage> usage =
                vms.stream()
                        .map(
                                vm -> {
                                    long nanos = cpu.get(vm.id());
                                    Long before =
                                            base == null ? null : base.vmCpuNanos().get(vm.id());
                                    double load =
                                            before == null
                                                            || before < 0
                                                            || nanos < before
                                                            || span <= 0
                                                    ? 0
                                                    : (nanos - before) / span;
                                    return new VmUsage(
                                            vm.id(),
                                            vm.state(),
                                            vm.machine().guestReady(),
                                            vm.spec().memoryMiB(),
                                            nanos < 0 ? -1 : nanos / 1_000_000,
                                            load,
                                            supervisor.diskFiles(vm.id()).stream()
                                                    .mapToLong(DiskStore.DiskFile::allocatedBytes)
                                                    .sum());
                                })
                        .toList();
        long committed = supervisor.committedMemoryMiB();
        return new HostUsage(
                vms.size(),
                supervisor.maxVms(),
                committed,
                supervisor.maxGuestMemoryMiB(),
                supervisor.maxGuestMemoryMiB() - committed,
                cores,
                hostLoad,
                residentMemoryMiB(),
                supervisor.diskStore() == null ? 0 : supervisor.diskStore().allocatedBytes(),
                usage);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** VmRSS of this process from /proc (Linux), -1 elsewhere. */
    static long residentMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
