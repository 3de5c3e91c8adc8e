package org.atrium.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.atrium.emulator.boot.InvalidKernelException;
import org.atrium.emulator.machine.DiskImageException;
import org.atrium.emulator.machine.DriveConfig;
import org.atrium.emulator.machine.MachineConfig;
import org.atrium.emulator.machine.MachineState;
import org.atrium.emulator.machine.PcMachine;
import org.atrium.emulator.machine.RestoreOptions;
import org.atrium.emulator.snapshot.SnapshotFormatException;
import org.atrium.host.rfb.RfbServer;
import org.atrium.host.rfb.RfbSessionOptions;
import org.atrium.host.rfb.RfbTarget;
import org.atrium.host.rfb.WebSocketAdmission;
import org.atrium.host.vm.PcMachineVm;
import org.atrium.host.vm.VmExit;
import org.atrium.host.vm.VmMachine;

/**
 * {@code ./atrium vm}: one VM in the foreground, its screen on RFB (TCP and/or WebSocket, without
 * authentication: for loopback and trusted networks), its first serial port on stdio, a file or
 * nowhere, its disks on the IDE controller. A plain {@code main}, no Quarkus. Exit codes: 0 when
 * the VM powers off or is stopped, 1 when it cannot start or ends in a failure (an emulator error,
 * or with {@code --no-reboot} a triple fault or guest reset), 2 for bad flags; SIGINT or SIGTERM
 * stops the VM and exits 130 or 143.
 */
public final class VmCommand {
    static final Path DEFAULT_FIRMWARE_DIR = Path.of("/usr/share/seabios");

    /** Builds the machine; throws {@link IllegalStateException} with a message when it cannot. */
    interface Machines extends Function<VmCommandOptions, VmMachine> {}

    private VmCommand() {}

    public static void main(String[] args) {
        // Without Quarkus the JBoss SLF4J binding cannot start; Netty logs through the JDK instead.
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        System.exit(run(args, System.in, System.out, System.err, VmCommand::pcMachine, null));
    }

    /**
     * The emulator's machine, booting the given kernel, or else the BIOS and VGA BIOS, or
     * continuing a snapshot (--loadvm); with --savevm it saves itself after the given time.
     */
    static VmMachine pcMachine(VmCommandOptions options) {
        try {
            MachineConfig config =
                    options.kernel() != null
                            ? MachineConfig.linux(
                                    options.memoryMiB(),
                                    options.bios(),
                                    options.kernel(),
                                    options.initrd(),
                                    options.append())
                            : MachineConfig.firmware(
                                    options.memoryMiB(), options.bios(), options.vgaBios());
            MachineConfig withDrives = config.withDrives(options.drives());
            PcMachine machine =
                    options.loadvm() != null
                            ? PcMachine.restore(options.loadvm(), withDrives, RestoreOptions.copy())
                            : new PcMachine(withDrives);
            // --no-reboot: a triple fault or a reset the guest asks for ends the command (exit 1).
            machine.exitOnGuestReset(options.noReboot());
            if (options.savevm() != null) {
                saveLater(machine, options.savevm(), options.savevmAfterSeconds(), System.err);
            }
            collectOnceRunning(machine);
            return new PcMachineVm(machine);
        } catch (SnapshotFormatException e) {
            throw new IllegalStateException(
                    "cannot load " + options.loadvm() + ": " + e.getMessage(), e);
        } catch (DiskImageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException(
                    (options.loadvm() != null
                                    ? "cannot read the snapshot or kernel: "
                                    : "cannot read ")
                            + e.getMessage(),
                    e);
        } catch (InvalidKernelException e) {
            throw new IllegalStateException("kernel or initrd not usable: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("firmware or memory not usable: " + e.getMessage(), e);
        }
    }

    /**
     * One full collection as soon as the guest runs its first instructions. Building and powering
     * on the machine reads the kernel and initrd (or a snapshot) onto the heap; those arrays are
     * larger than the young generation, so they go straight to the old one and stay there as
     * garbage, committed and resident, until a full collection that a guest which allocates almost
     * nothing may never cause. After this one the serial collector gives the pages back (with
     * {@code -XX:-ShrinkHeapInSteps}, set by {@code ./atrium vm}). This is for the one-VM command
     * only: a host running many VMs leaves its heap to its collector.
     */
    static void collectOnceRunning(PcMachine machine) {
        Thread.ofVirtual()
                .name("atrium-vm-collect")
                .start(
                        () -> {
                            try {
                                // The first slice of instructions runs after the power-on that
                                // copied the boot images into guest RAM and dropped them.
                                while (machine.counters().instructions() == 0
                                        && machine.state() != MachineState.STOPPED) {
                                    Thread.sleep(20);
                                }
                                System.gc();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
    }

    /**
     * Once {@code machine} runs, waits {@code seconds} of host time, writes a snapshot to {@code
     * file} and stops the machine, which ends the command.
     */
    static void saveLater(PcMachine machine, Path file, long seconds, PrintStream err) {
        Thread.ofVirtual()
                .name("atrium-vm-savevm")
                .start(
                        () -> {
                            try {
                                while (machine.state() == MachineState.CREATED) {
                                    Thread.sleep(10);
                                }
                                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                                if (machine.state() == MachineState.STOPPED) return;
                                machine.saveSnapshot(file, false);
                                err.println("atrium vm: snapshot written to " + file);
                            } catch (IOException | RuntimeException e) {
                                err.println(
                                        "atrium vm: cannot write the snapshot: " + e.getMessage());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            machine.stop();
                        });
    }

    /**
     * Runs the command; returns the exit code. {@code started}, when given, receives the bound RFB
     * addresses once the VM runs (tests use it to connect and to stop).
     */
    static int run(
            String[] args,
            InputStream stdin,
            PrintStream out,
            PrintStream err,
            Machines machines,
            CompletableFuture<Started> started) {
        VmCommandOptions options;
        try {
            if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
                out.print(VmCommandOptions.USAGE);
                return 0;
            }
            options = VmCommandOptions.parse(args, DEFAULT_FIRMWARE_DIR);
            if (options.kernel() != null) checkReadable("--kernel", options.kernel());
            if (options.initrd() != null) checkReadable("--initrd", options.initrd());
            // A snapshot carries its ROM images: the firmware files are not read then.
            if (options.loadvm() != null) {
                checkReadable("--loadvm", options.loadvm());
            } else {
                if (options.bios() != null) checkReadable("--bios", options.bios());
                if (options.vgaBios() != null) checkReadable("--vga-bios", options.vgaBios());
            }
            for (DriveConfig drive : options.drives()) {
                if (drive.image() != null) {
                    checkReadable(
                            drive.media() == DriveConfig.Media.CDROM ? "--cdrom" : "--disk",
                            drive.image());
                }
            }
        } catch (VmCommandOptions.UsageException e) {
            err.println("atrium vm: " + e.getMessage());
            err.print(VmCommandOptions.USAGE);
            return 2;
        }
        VmMachine machine;
        try {
            machine = machines.apply(options);
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("atrium vm: " + e.getMessage());
            return 1;
        }
        CompletableFuture<VmExit> exited = new CompletableFuture<>();
        machine.onExit(
                exit -> {
                    err.println("atrium vm: the VM stopped: " + exit.reason());
                    exited.complete(exit);
                });
        // Without --vnc or --vnc-ws the command starts no RFB server and no Netty event loop, and
        // makes no RFB target: its client group alone loads some 140 of Netty's classes.
        boolean rfb = options.vnc() != null || options.vncWebSocket() != null;
        RfbTarget target =
                rfb
                        ? new RfbTarget(
                                "atrium vm",
                                machine.display(),
                                machine.keyboard(),
                                machine.pointer())
                        : null;
        try (RfbServer server = rfb ? new RfbServer(1) : null) {
            InetSocketAddress vnc = null;
            InetSocketAddress ws = null;
            if (options.vnc() != null) {
                vnc = server.bindTcp(options.vnc(), target, RfbSessionOptions.open());
                err.println("atrium vm: RFB (no authentication) on " + vnc);
            }
            if (options.vncWebSocket() != null) {
                WebSocketAdmission anyone =
                        (path, query) ->
                                CompletableFuture.completedFuture(
                                        new WebSocketAdmission.Admitted(
                                                target, RfbSessionOptions.open()));
                ws = server.bindWebSocket(options.vncWebSocket(), anyone, 1 << 16);
                err.println("atrium vm: RFB over WebSocket (no authentication) on " + ws);
            }
            Thread serial = serial(options, machine, stdin, out, err);
            machine.start();
            Thread hook = new Thread(machine::stop, "atrium-vm-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            if (started != null) started.complete(new Started(machine, vnc, ws));
            VmExit exit = exited.get();
            if (serial != null) serial.interrupt();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting through the hook.
            }
            return exit.failure() ? 1 : 0;
        } catch (InterruptedException e) {
            machine.stop();
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("atrium vm: " + e.getMessage());
            machine.stop();
            return 1;
        }
    }

    /** What a running command bound, for tests. */
    record Started(VmMachine machine, InetSocketAddress vnc, InetSocketAddress webSocket) {}

    private static void checkReadable(String flag, Path file)
            throws VmCommandOptions.UsageException {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new VmCommandOptions.UsageException(flag + ": cannot read " + file);
        }
    }

    /** Copies the guest's serial output to stdout or a file on a virtual thread. */
    private static Thread serial(
            VmCommandOptions options,
            VmMachine machine,
            InputStream stdin,
            PrintStream out,
            PrintStream err)
            throws IOException {
        if (options.serial().equals("none")) return null;
        OutputStream sink =
                options.serial().equals("file") ? Files.newOutputStream(options.serialFile()) : out;
        InputStream from = machine.serialFromGuest();
        if (options.serial().equals("stdio")) {
            OutputStream to = machine.serialToGuest();
            Thread.ofVirtual()
                    .name("atrium-vm-serial-in")
                    .start(
                            () -> {
                                try {
                                    stdin.transferTo(to);
                                } catch (IOException e) {
                                    err.println(
                                            "atrium vm: serial input stopped: " + e.getMessage());
                                }
                            });
        }
        return Thread.ofVirtual()
                .name("atrium-vm-serial")
                .start(
                        () -> {
                            try (from) {
                                from.transferTo(sink);
                                sink.flush();
                            } catch (IOException e) {
                                err.println("atrium vm: serial output stopped: " + e.getMessage());
                            }
                        });
    }
}
