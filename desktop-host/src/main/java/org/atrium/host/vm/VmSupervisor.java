package org.atrium.host.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.atrium.emulator.storage.ImageFormat;

/**
 * The VMs of this host. Create is idempotent (the same id and spec answer the existing VM) and
 * admission-controlled: guest RAM committed by VMs that are not stopped never exceeds the host's
 * budget, nor does the VM count; a refused VM gets a 507 problem saying what is short. Each VM's
 * CPU runs on its own thread (the machine's). Methods are synchronized: control calls are rare and
 * short, and machine threads are started and stopped outside any event loop.
 */
public final class VmSupervisor {
    private static final System.Logger LOG = System.getLogger(VmSupervisor.class.getName());
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final MachineFactory factory;
    private final long maxGuestMemoryMiB;
    private final int maxVms;
    private final SnapshotStore snapshots;
    private final String identityCommand;
    private final DiskStore disks;
    private final Map<String, Vm> vms = new LinkedHashMap<>();

    public VmSupervisor(MachineFactory factory, long maxGuestMemoryMiB, int maxVms) {
        this(factory, maxGuestMemoryMiB, maxVms, null, null);
    }

    /**
     * @param snapshots the host's snapshot store, or {@code null} for a host without snapshots
     * @param identityCommand the line typed into a clone's serial console after it starts, with
     *     {@code {hostname}}, {@code {macAddress}} and {@code {serialNumber}} filled in; {@code
     *     null} or blank types nothing
     */
    public VmSupervisor(
            MachineFactory factory,
            long maxGuestMemoryMiB,
            int maxVms,
            SnapshotStore snapshots,
            String identityCommand) {
        this(factory, maxGuestMemoryMiB, maxVms, snapshots, identityCommand, null);
    }

    /**
     * @param disks the host's image store, where VMs' overlays and snapshots' disk layers live, or
     *     {@code null} for a host whose VMs have no disks
     */
    public VmSupervisor(
            MachineFactory factory,
            long maxGuestMemoryMiB,
            int maxVms,
            SnapshotStore snapshots,
            String identityCommand,
            DiskStore disks) {
        this.factory = factory;
        this.maxGuestMemoryMiB = maxGuestMemoryMiB;
        this.maxVms = maxVms;
        this.snapshots = snapshots;
        this.identityCommand = identityCommand;
        this.disks = disks;
    }

    /** The outcome of a create: the VM and whether this call made it. */
    public record Created(Vm vm, boolean isNew) {}

    public synchronized Created create(String id, VmSpec requested) {
        if (!ID.matcher(id).matches()) {
            throw new VmProblemException(
                    400, "Invalid VM id", "a VM id is 1 to 63 letters, digits, '.', '_' or '-'");
        }
        VmSpec spec = complete(id, requested);
        Vm existing = vms.get(id);
        if (existing != null) {
            if (existing.spec().equals(spec)) return new Created(existing, false);
            throw new VmProblemException(
                    409,
                    "VM exists with another configuration",
                    "VM " + id + " exists with " + existing.spec() + "; delete it first");
        }
        if (vms.size() >= maxVms) {
            throw new VmProblemException(
                    507, "Too many VMs", "this host runs at most " + maxVms + " VMs");
        }
        admit(spec.memoryMiB());
        makeOverlays(id, spec);
        Vm vm;
        try {
            vm = new Vm(id, spec, launch(id, spec));
        } catch (RuntimeException e) {
            if (disks != null) disks.deleteOverlays(id);
            throw e;
        }
        vms.put(id, vm);
        return new Created(vm, true);
    }

    /**
     * Starts a stopped VM afresh from its spec; idempotent. A VM booted from its disks keeps its
     * overlays (what the guest wrote survives a stop); a clone starts from its snapshot again, RAM
     * and disks: its overlays are made anew, since the snapshot's RAM knows nothing of what it
     * wrote since.
     */
    public synchronized Vm start(String id) {
        Vm vm = require(id);
        if (vm.state() != VmState.STOPPED) return vm;
        admit(vm.spec().memoryMiB());
        if (vm.spec().boot() instanceof BootSource.Snapshot) makeOverlays(id, vm.spec());
        Vm restarted = new Vm(id, vm.spec(), launch(id, vm.spec()), vm.rfbClients());
        vms.put(id, restarted);
        return restarted;
    }

    /** The files of VM {@code id} in the image store (its overlays), as they are now. */
    public List<DiskStore.DiskFile> diskFiles(String id) {
        return disks == null ? List.of() : disks.files(id);
    }

    /** The host's image store, or {@code null}. */
    public DiskStore diskStore() {
        return disks;
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

    /**
     * Stops and forgets a VM and removes its overlays; true when there was one. Holds the lock
     * throughout, so a VM created again under the same id (a recycled desktop) cannot have its new
     * overlays removed by the delete of the old one.
     */
    public synchronized boolean delete(String id) {
        Vm vm = vms.remove(id);
        if (vm == null) return false;
        vm.machine().stop();
        vm.rfbClients().close();
        // After the stop: the machine has flushed and closed its images.
        if (disks != null) disks.deleteOverlays(id);
        return true;
    }

    /**
     * Saves a running VM to the snapshot store under {@code name}. Snapshots are immutable: asking
     * again for a name this VM already saved answers the stored one (idempotent); a name another VM
     * saved is a conflict.
     */
    public SnapshotStore.Entry snapshot(String id, String name) {
        SnapshotStore store = requireSnapshots();
        Vm vm = require(id);
        // One snapshot of one name at a time; the VM keeps running on its own thread meanwhile.
        synchronized (store) {
            Optional<SnapshotStore.Entry> existing = store.find(name);
            if (existing.isPresent()) {
                if (existing.get().sourceVm().equals(id)) return existing.get();
                throw new VmProblemException(
                        409,
                        "Snapshot exists",
                        "snapshot "
                                + name
                                + " was taken of VM "
                                + existing.get().sourceVm()
                                + "; snapshots are immutable, choose another name");
            }
            if (vm.state() == VmState.STOPPED) {
                throw new VmProblemException(
                        409, "VM is stopped", "only a running or paused VM can be snapshotted");
            }
            SnapshotStore.Entry saved = save(store, vm, name);
            // Checked while nobody waits, so that its first clone starts as fast as the rest.
            prepareInBackground(name);
            return saved;
        }
    }

    /** Writes VM {@code vm}'s snapshot, freezing its overlays as the snapshot's layers. */
    private SnapshotStore.Entry save(SnapshotStore store, Vm vm, String name) {
        String id = vm.id();
        int diskCount = diskCount(vm.spec());
        if (diskCount == 0) {
            return store.save(name, id, vm.spec().memoryMiB(), vm.machine()::saveSnapshot);
        }
        try {
            return store.saveWithDisks(
                    name,
                    id,
                    vm.spec().memoryMiB(),
                    tmp -> {
                        List<List<String>> frozen = new ArrayList<>();
                        vm.machine()
                                .saveSnapshot(
                                        tmp, () -> frozen.add(disks.freeze(id, diskCount, name)));
                        return frozen.getFirst();
                    });
        } catch (RuntimeException e) {
            // Layers frozen for a snapshot that was not stored belong to nothing.
            List<String> layers = new ArrayList<>();
            for (int i = 0; i < diskCount; i++) layers.add(DiskStore.layerName(name, i));
            disks.delete(layers);
            throw e;
        }
    }

    /**
     * Deletes snapshot {@code name} and its disk layers; false when there is none. Refused (409)
     * while a VM of this host starts from it or an image of the store lies on one of its layers (a
     * clone's overlay, a later snapshot's layer): delete those first.
     */
    public boolean deleteSnapshot(String name) {
        SnapshotStore store = requireSnapshots();
        // Both locks, store first as snapshot() takes them: no clone of it starts meanwhile.
        synchronized (store) {
            synchronized (this) {
                return deleteUnused(store, name);
            }
        }
    }

    private boolean deleteUnused(SnapshotStore store, String name) {
        Optional<SnapshotStore.Entry> found = store.find(name);
        if (found.isEmpty()) return false;
        SnapshotStore.Entry entry = found.get();
        List<String> clones =
                vms.values().stream()
                        .filter(
                                v ->
                                        v.spec().boot() instanceof BootSource.Snapshot(String s)
                                                && s.equals(name))
                        .map(Vm::id)
                        .sorted()
                        .toList();
        if (!clones.isEmpty()) {
            throw new VmProblemException(
                    409,
                    "Snapshot in use",
                    "snapshot " + name + " is the boot source of VMs " + clones);
        }
        List<String> users =
                disks == null ? List.of() : disks.imagesBackedBy(Set.copyOf(entry.disks()));
        if (!users.isEmpty()) {
            throw new VmProblemException(
                    409,
                    "Snapshot in use",
                    "images of the image store lie on the disk layers of snapshot "
                            + name
                            + ": "
                            + users);
        }
        store.delete(name);
        if (disks != null) disks.delete(entry.disks());
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

    /** Fills what a request may leave out: a clone's RAM and identity come from the snapshot. */
    private VmSpec complete(String id, VmSpec spec) {
        if (spec.disks().size() > DiskStore.MAX_DISKS) {
            throw new VmProblemException(
                    400, "Invalid disk", "a VM has at most " + DiskStore.MAX_DISKS + " disks");
        }
        if (spec.boot() instanceof BootSource.Snapshot(String name)) {
            if (!spec.disks().isEmpty()) {
                throw new VmProblemException(
                        400,
                        "Invalid disk",
                        "a clone's disks are its snapshot's; leave disks out of a clone");
            }
            SnapshotStore.Entry entry =
                    requireSnapshots()
                            .find(name)
                            .orElseThrow(() -> VmProblemException.snapshotNotFound(name));
            if (spec.memoryMiB() != 0 && spec.memoryMiB() != entry.memoryMiB()) {
                throw new VmProblemException(
                        400,
                        "Invalid memory size",
                        "snapshot "
                                + name
                                + " has "
                                + entry.memoryMiB()
                                + " MiB of guest RAM; leave memoryMiB out or give that");
            }
            return new VmSpec(
                    entry.memoryMiB(),
                    spec.boot(),
                    VmIdentity.derivedFrom(id).with(spec.identity()));
        }
        if (spec.memoryMiB() <= 0) {
            throw new VmProblemException(400, "Invalid memory size", "memoryMiB must be positive");
        }
        if (spec.boot() instanceof BootSource.Firmware(String firmware)
                && !"seabios".equals(firmware)) {
            throw new VmProblemException(
                    400, "Unsupported boot source", "boot.firmware must be \"seabios\"");
        }
        return spec;
    }

    /**
     * Gives VM {@code id} fresh overlays: on the golden images of its spec, or for a clone on its
     * snapshot's disk layers.
     */
    private void makeOverlays(String id, VmSpec spec) {
        List<DiskSpec> bases;
        if (spec.boot() instanceof BootSource.Snapshot(String name)) {
            bases =
                    requireSnapshots()
                            .find(name)
                            .map(SnapshotStore.Entry::disks)
                            .orElse(List.of())
                            .stream()
                            .map(layer -> new DiskSpec(layer, ImageFormat.QCOW2))
                            .toList();
        } else {
            bases = spec.disks();
        }
        if (bases.isEmpty()) return;
        if (disks == null) {
            throw new VmProblemException(
                    501, "Disks not configured", "this host has no image store for disks");
        }
        disks.createOverlays(id, bases);
    }

    /** How many disks a VM of {@code spec} has: its own, or for a clone its snapshot's. */
    private int diskCount(VmSpec spec) {
        if (spec.boot() instanceof BootSource.Snapshot(String name)) {
            return requireSnapshots().find(name).map(e -> e.disks().size()).orElse(0);
        }
        return spec.disks().size();
    }

    private void admit(int memoryMiB) {
        long committed = committedMemoryMiB();
        if (committed + memoryMiB > maxGuestMemoryMiB) {
            throw new VmProblemException(
                    507,
                    "Insufficient guest memory",
                    "VM needs "
                            + memoryMiB
                            + " MiB; "
                            + (maxGuestMemoryMiB - committed)
                            + " MiB of "
                            + maxGuestMemoryMiB
                            + " MiB free");
        }
    }

    private VmMachine launch(String id, VmSpec spec) {
        VmMachine machine = factory.create(id, spec);
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
        if (spec.boot() instanceof BootSource.Snapshot && spec.identity() != null) {
            tellIdentity(machine, spec.identity());
        }
        return machine;
    }

    /**
     * Readies stored snapshot {@code name} for its clones in the background ({@link
     * MachineFactory#prepareInBackground}): a throwaway clone it runs is told an identity of its
     * own, as every clone is, so that it runs what a new clone runs first.
     */
    public CompletableFuture<?> prepareInBackground(String name) {
        VmIdentity throwaway = VmIdentity.derivedFrom("warm-up");
        return factory.prepareInBackground(name, machine -> tellIdentity(machine, throwaway));
    }

    /**
     * Types the identity line into the clone's first serial port, where the template was left at a
     * shell prompt when it was snapshotted (docs/desktop-host.md, "Clone identity").
     */
    private void tellIdentity(VmMachine machine, VmIdentity identity) {
        if (identityCommand == null || identityCommand.isBlank()) return;
        String line =
                identityCommand
                        .replace("{hostname}", identity.hostname())
                        .replace("{macAddress}", identity.macAddress())
                        .replace("{serialNumber}", identity.serialNumber());
        try {
            OutputStream serial = machine.serialToGuest();
            serial.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            serial.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not tell a clone its identity", e);
        }
    }

    /**
     * The names of the stored snapshots that can be cloned, the most recent first: what the broker
     * places instant clones by. A snapshot found damaged is left out while its file stays as it is.
     * None on a host without a snapshot store.
     */
    public List<String> snapshotNames() {
        if (snapshots == null) return List.of();
        return snapshots.names().stream().filter(name -> !factory.knownDamaged(name)).toList();
    }

    private SnapshotStore requireSnapshots() {
        if (snapshots == null) {
            throw new VmProblemException(
                    501, "Snapshots not configured", "this host has no snapshot store");
        }
        return snapshots;
    }

    private Vm require(String id) {
        return find(id).orElseThrow(() -> VmProblemException.notFound(id));
    }
}
