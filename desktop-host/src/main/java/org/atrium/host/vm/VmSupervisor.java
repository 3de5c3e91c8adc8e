package org.atrium.host.vm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The VMs of this host. Create is idempotent (the same id and spec answer the existing VM) and
 * admission-controlled: guest RAM committed by VMs that are not stopped never exceeds the host's
 * limit, nor does the VM count. Methods are synchronized: control calls are rare and short, and
 * machine threads are started and stopped outside any event loop.
 */
public final class VmSupervisor {
    private static final System.Logger LOG = System.getLogger(VmSupervisor.class.getName());
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final MachineFactory factory;
    private final long maxGuestMemoryMiB;
    private final int maxVms;
    private final Map<String, Vm> vms = new LinkedHashMap<>();

    public VmSupervisor(MachineFactory factory, long maxGuestMemoryMiB, int maxVms) {
        this.factory = factory;
        this.maxGuestMemoryMiB = maxGuestMemoryMiB;
        this.maxVms = maxVms;
    }

    /** The outcome of a create: the VM and whether this call made it. */
    public record Created(Vm vm, boolean isNew) {}

    public synchronized Created create(String id, VmSpec spec) {
        if (!ID.matcher(id).matches()) {
            throw new VmProblemException(
                    400, "Invalid VM id", "a VM id is 1 to 63 letters, digits, '.', '_' or '-'");
        }
        if (spec.memoryMiB() <= 0) {
            throw new VmProblemException(400, "Invalid memory size", "memoryMiB must be positive");
        }
        if (!spec.hasSupportedBoot()) {
            throw new VmProblemException(
                    400,
                    "Unsupported boot source",
                    "boot must be {\"firmware\": \"seabios\"} or {\"linux\": \"<guest>\"}");
        }
        Vm existing = vms.get(id);
        if (existing != null) {
            if (existing.spec().equals(spec)) return new Created(existing, false);
            throw new VmProblemException(
                    409,
                    "VM exists with another configuration",
                    "VM " + id + " exists with " + existing.spec() + "; delete it first");
        }
        long committed = committedMemoryMiB();
        if (committed + spec.memoryMiB() > maxGuestMemoryMiB) {
            throw new VmProblemException(
                    507,
                    "Insufficient guest memory",
                    "VM needs "
                            + spec.memoryMiB()
                            + " MiB; "
                            + (maxGuestMemoryMiB - committed)
                            + " MiB of "
                            + maxGuestMemoryMiB
                            + " MiB free");
        }
        if (vms.size() >= maxVms) {
            throw new VmProblemException(
                    507, "Too many VMs", "this host runs at most " + maxVms + " VMs");
        }
        VmMachine machine = factory.create(id, spec);
        Vm vm = new Vm(id, spec, machine);
        machine.onExit(
                exit ->
                        LOG.log(
                                exit.failure()
                                        ? System.Logger.Level.ERROR
                                        : System.Logger.Level.INFO,
                                "VM {0} stopped: {1}",
                                id,
                                exit.reason()));
        machine.start();
        vms.put(id, vm);
        return new Created(vm, true);
    }

    public synchronized Optional<Vm> find(String id) {
        return Optional.ofNullable(vms.get(id));
    }

    public synchronized List<Vm> list() {
        List<Vm> all = new ArrayList<>(vms.values());
        all.sort(Comparator.comparing(Vm::id));
        return all;
    }

    public Vm reset(String id) {
        Vm vm = require(id);
        if (vm.state() == VmState.STOPPED) {
            throw new VmProblemException(409, "VM is stopped", "a stopped VM cannot be reset");
        }
        vm.machine().reset();
        return vm;
    }

    public Vm stop(String id) {
        Vm vm = require(id);
        vm.machine().stop();
        return vm;
    }

    /** Stops and forgets a VM; true when there was one. */
    public boolean delete(String id) {
        Vm vm;
        synchronized (this) {
            vm = vms.remove(id);
        }
        if (vm == null) return false;
        vm.machine().stop();
        vm.rfbClients().close();
        return true;
    }

    /** Guest RAM held by VMs that are not stopped. */
    public synchronized long committedMemoryMiB() {
        return vms.values().stream()
                .filter(v -> v.state() != VmState.STOPPED)
                .mapToLong(v -> v.spec().memoryMiB())
                .sum();
    }

    public long maxGuestMemoryMiB() {
        return maxGuestMemoryMiB;
    }

    public int maxVms() {
        return maxVms;
    }

    /** Stops every VM (host shutdown). */
    public void stopAll() {
        for (Vm vm : list()) vm.machine().stop();
    }

    private Vm require(String id) {
        return find(id).orElseThrow(() -> VmProblemException.notFound(id));
    }
}
