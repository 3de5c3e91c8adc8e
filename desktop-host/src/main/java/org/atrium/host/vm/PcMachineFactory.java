package org.atrium.host.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.atrium.emulator.machine.DiskImageException;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.snapshot.SnapshotFormatException;

/**
 * Builds {@link PcMachineVm}s for each boot source: SeaBIOS and SeaVGABIOS (for the std VGA) from
 * the host's firmware directory ({@code {"firmware": "seabios"}}); a Linux kernel and initrd from
 * the host's image directory; or a snapshot of the host's store, its RAM mapped copy-on-write. A
 * VM's disks are its overlays in the host's {@link DiskStore}, disk N on IDE position N; a clone's
 * overlays lie on its snapshot's disk layers.
 *
 * <p>A snapshot's file is checked whole once, before its first clone or ahead of it in the
 * background ({@link #prepareInBackground}), which also runs one throwaway clone for a moment so
 * that the emulator's code is compiled before a user waits for a clone.
 */
public final class PcMachineFactory implements MachineFactory {
    private static final System.Logger LOG = System.getLogger(PcMachineFactory.class.getName());
    public static final String BIOS = "bios.bin";
    public static final String VGA_BIOS = "vgabios-stdvga.bin";

    private final Path firmwareDir;
    private final Path imageDir;
    private final SnapshotStore snapshots;
    private final LinuxMachineFactory linux;
    private final DiskStore disks;
    private final MachineTuning tuning;
    private final Duration warmUp;
    private final SnapshotChecks checks = new SnapshotChecks();
    private final Object warmUpLock = new Object();
    private boolean warmedUp;
    // One preparation at a time, on a thread that exists only while there is work.
    private final ThreadPoolExecutor preparer =
            new ThreadPoolExecutor(
                    0,
                    1,
                    10,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    Thread.ofPlatform().name("atrium-snapshot-prepare").daemon().factory());

    /** A factory for firmware boots only. */
    public PcMachineFactory(Path firmwareDir) {
        this(firmwareDir, null, null, null);
    }

    /**
     * @param imageDir where kernel boots find their kernel and initrd, or {@code null}
     * @param snapshots where clones find their snapshot, or {@code null}
     * @param linux the host's configured Linux guest, or {@code null}
     */
    public PcMachineFactory(
            Path firmwareDir, Path imageDir, SnapshotStore snapshots, LinuxMachineFactory linux) {
        this(firmwareDir, imageDir, snapshots, linux, null);
    }

    /**
     * @param disks the image store whose VM overlays become the machines' IDE disks (the supervisor
     *     makes them before a machine is built), or {@code null} for a host without disks
     */
    public PcMachineFactory(
            Path firmwareDir,
            Path imageDir,
            SnapshotStore snapshots,
            LinuxMachineFactory linux,
            DiskStore disks) {
        this(firmwareDir, imageDir, snapshots, linux, disks, MachineTuning.HOST_DEFAULT);
    }

    /**
     * @param tuning how every machine runs (decoded blocks, idle timer slack); {@link
     *     MachineTuning#HOST_DEFAULT} in the other constructors, as on the desktop host by default
     */
    public PcMachineFactory(
            Path firmwareDir,
            Path imageDir,
            SnapshotStore snapshots,
            LinuxMachineFactory linux,
            DiskStore disks,
            MachineTuning tuning) {
        this(firmwareDir, imageDir, snapshots, linux, disks, tuning, Duration.ZERO);
    }

    /**
     * @param warmUp how long {@link #prepare} runs a throwaway clone the first time ({@code
     *     atrium.host.snapshot-warm-up}); zero for none, as in the other constructors
     */
    public PcMachineFactory(
            Path firmwareDir,
            Path imageDir,
            SnapshotStore snapshots,
            LinuxMachineFactory linux,
            DiskStore disks,
            MachineTuning tuning,
            Duration warmUp) {
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("warm-up must not be negative, got " + warmUp);
        }
        this.warmUp = warmUp;
        this.firmwareDir = firmwareDir;
        this.imageDir = imageDir;
        this.snapshots = snapshots;
        this.linux = linux;
        this.disks = disks;
        this.tuning = Objects.requireNonNull(tuning, "tuning");
    }

    /** How the machines this factory builds run. */
    public MachineTuning tuning() {
        return tuning;
    }

    @Override
    public VmMachine create(String id, VmSpec spec) {
        if (spec.memoryMiB() < MachineConfig.MIN_MEMORY_MIB
                || spec.memoryMiB() > MachineConfig.MAX_MEMORY_MIB) {
            throw new VmProblemException(
                    400,
                    "Invalid memory size",
                    "memoryMiB must be between "
                            + MachineConfig.MIN_MEMORY_MIB
                            + " and "
                            + MachineConfig.MAX_MEMORY_MIB);
        }
        try {
            return switch (spec.boot()) {
                case BootSource.Firmware f ->
                        PcMachineVm.create(
                                firmware(spec.memoryMiB()).withDrives(drives(id, spec.disks())));
                case BootSource.Linux l -> linuxGuest(id, spec);
                case BootSource.Kernel k ->
                        PcMachineVm.create(
                                tuning.apply(
                                        MachineConfig.linux(
                                                        spec.memoryMiB(),
                                                        null,
                                                        image(k.kernel(), "kernel"),
                                                        k.initrd() == null
                                                                ? null
                                                                : image(k.initrd(), "initrd"),
                                                        k.commandLine())
                                                .withDrives(drives(id, spec.disks()))));
                case BootSource.Snapshot s -> clone(id, s.name());
            };
        } catch (DiskImageException e) {
            throw VmProblemException.diskNotUsable(id, e);
        } catch (IOException e) {
            throw new VmProblemException(503, what(spec) + " unreadable", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new VmProblemException(503, what(spec) + " not usable", e.getMessage());
        }
    }

    private static String what(VmSpec spec) {
        return switch (spec.boot()) {
            case BootSource.Firmware f -> "Firmware";
            case BootSource.Linux l -> "Guest";
            case BootSource.Kernel k -> "Image";
            case BootSource.Snapshot s -> "Snapshot";
        };
    }

    private MachineConfig firmware(int memoryMiB) {
        Path bios = firmwareDir.resolve(BIOS);
        Path vgaBios = firmwareDir.resolve(VGA_BIOS);
        for (Path image : new Path[] {bios, vgaBios}) {
            if (!Files.isReadable(image)) {
                throw new VmProblemException(
                        503,
                        "Firmware missing",
                        image.getFileName()
                                + " is not readable in the configured firmware directory");
            }
        }
        return tuning.apply(MachineConfig.firmware(memoryMiB, bios, vgaBios));
    }

    private VmMachine linuxGuest(String id, VmSpec spec) {
        if (linux == null) {
            throw new VmProblemException(
                    501, "Linux guest not configured", "this host has no Linux guest");
        }
        return linux.create(id, spec, drives(id, spec.disks()), tuning);
    }

    /** The IDE disks of VM {@code id}: its overlays, one per disk of its spec. */
    private List<DriveConfig> drives(String id, List<DiskSpec> specDisks) {
        return drives(id, specDisks.size());
    }

    private List<DriveConfig> drives(String id, int count) {
        if (count == 0) return List.of();
        return requireDisks().drives(id, count);
    }

    private DiskStore requireDisks() {
        if (disks == null) {
            throw new VmProblemException(
                    501, "Disks not configured", "this host has no image store for disks");
        }
        return disks;
    }

    /** A file of the image directory; names with a path separator or ".." are refused. */
    private Path image(String name, String what) {
        if (imageDir == null) {
            throw new VmProblemException(
                    501, "Kernel boot not configured", "this host has no image directory");
        }
        if (name == null
                || name.isEmpty()
                || name.contains("/")
                || name.contains("\\")
                || name.startsWith(".")) {
            throw new VmProblemException(
                    400,
                    "Invalid image name",
                    what + " must be a file name of the image directory");
        }
        Path file = imageDir.resolve(name);
        if (!Files.isReadable(file)) {
            throw new VmProblemException(
                    404, "Image not found", what + " " + name + " is not in the image directory");
        }
        return file;
    }

    private VmMachine clone(String id, String name) throws IOException {
        SnapshotStore.Entry entry = snapshot(name);
        try {
            // The whole file once (RAM is most of it); then each clone checks only the small parts.
            checks.requireChecked(entry.file());
            return PcMachineVm.restore(
                    entry.file(),
                    cloneConfig(entry.memoryMiB()).withDrives(drives(id, entry.disks().size())));
        } catch (SnapshotFormatException e) {
            throw new VmProblemException(422, "Snapshot not usable", e.getMessage());
        }
    }

    @Override
    public boolean knownDamaged(String name) {
        return snapshots != null && checks.knownDamaged(snapshots.file(name));
    }

    private SnapshotStore.Entry snapshot(String name) {
        if (snapshots == null) {
            throw new VmProblemException(
                    501, "Snapshots not configured", "this host has no snapshot store");
        }
        return snapshots.find(name).orElseThrow(() -> VmProblemException.snapshotNotFound(name));
    }

    /**
     * What {@link #prepare} did.
     *
     * @param warmUpInstructions the guest instructions the throwaway clone ran; 0 when none ran
     */
    public record Prepared(String snapshot, long warmUpInstructions) {}

    /**
     * Readies snapshot {@code name} for its clones ahead of them: checks its file whole, as the
     * first clone would otherwise do while its user waits (it also leaves the file in the page
     * cache), and, the first time this succeeds for this factory, starts a clone of it, hands it to
     * {@code started} (the supervisor tells it an identity, as it tells every clone), lets it run
     * for the warm-up time and throws it away. That clone has no disks of its own: its drives are
     * the snapshot's layers, read-only, so nothing of the store changes; it is no VM of the
     * supervisor's, and what it does is lost with it.
     *
     * @throws SnapshotFormatException if the file is corrupt: its clones will be refused too
     */
    public Prepared prepare(String name, Consumer<VmMachine> started)
            throws IOException, InterruptedException {
        SnapshotStore.Entry entry = snapshot(name);
        checks.requireChecked(entry.file());
        synchronized (warmUpLock) {
            if (warmedUp || warmUp.isZero()) return new Prepared(name, 0);
            List<DriveConfig> drives =
                    entry.disks().isEmpty()
                            ? List.of()
                            : requireDisks().layerDrives(name, entry.disks().size());
            PcMachineVm clone =
                    PcMachineVm.restore(
                            entry.file(), cloneConfig(entry.memoryMiB()).withDrives(drives));
            try {
                clone.start();
                started.accept(clone);
                Thread.sleep(warmUp);
                warmedUp = true;
                return new Prepared(name, clone.machine().counters().instructions());
            } finally {
                clone.stop();
            }
        }
    }

    @Override
    public CompletableFuture<Prepared> prepareInBackground(
            String name, Consumer<VmMachine> started) {
        CompletableFuture<Prepared> done;
        try {
            done =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return prepare(name, started);
                                } catch (IOException e) {
                                    throw new CompletionException(e);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    throw new CompletionException(e);
                                }
                            },
                            preparer);
        } catch (RejectedExecutionException e) {
            // Closed: the host is shutting down. The snapshot is checked by its first clone.
            done = CompletableFuture.failedFuture(new IllegalStateException("the host is closing"));
        }
        done.whenComplete(
                (prepared, failure) -> {
                    if (failure == null) {
                        LOG.log(
                                System.Logger.Level.INFO,
                                "snapshot {0} checked{1}",
                                name,
                                prepared.warmUpInstructions() == 0
                                        ? ""
                                        : "; warm-up clone ran "
                                                + prepared.warmUpInstructions()
                                                + " guest instructions");
                    } else {
                        Throwable cause =
                                failure instanceof CompletionException
                                        ? failure.getCause()
                                        : failure;
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "snapshot {0} not prepared: {1}",
                                name,
                                cause.getMessage());
                    }
                });
        return done;
    }

    /** Stops preparing snapshots; a throwaway clone that runs is stopped. */
    @Override
    public void close() {
        preparer.shutdownNow();
    }

    /**
     * The config a clone runs with: the ROM images come from the snapshot; a guest that reboots
     * boots the host's firmware.
     */
    private MachineConfig cloneConfig(int memoryMiB) {
        return tuning.apply(
                MachineConfig.firmware(
                        memoryMiB, firmwareDir.resolve(BIOS), firmwareDir.resolve(VGA_BIOS)));
    }
}
