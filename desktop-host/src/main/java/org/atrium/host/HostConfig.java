package org.atrium.host;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.atrium.emulator.machine.DecodedBlocks;

/** The desktop host's settings, keys under {@code atrium.host}; see docs/desktop-host.md. */
@ConfigMapping(prefix = "atrium.host")
public interface HostConfig {

    /** This host's name: the {@code hst} claim of connection tokens and its name at the broker. */
    @WithDefault("localhost")
    String name();

    /** Bearer secret every control API call must carry. Required. */
    String controlSecret();

    /** Guest RAM all VMs together may commit, e.g. {@code 4G}. */
    @WithDefault("4G")
    MemorySize maxGuestMemory();

    /** Most VMs this host runs at once. */
    @WithDefault("64")
    int maxVms();

    /**
     * When the VMs' CPUs run guest code from a cache of decoded blocks (ADR 17): {@code always},
     * {@code never} or {@code when-busy} (the default). A busy VM runs an eighth faster with it,
     * but an idle one's timer tick costs more (each VM's cache is cold again at every tick), and a
     * host runs mostly idle desktops (docs/benchmarks.md, "Periodic tick"); so each VM turns its
     * cache on while its guest keeps the CPU busy and drops it after two seconds of near idleness.
     * Goes into every VM's machine config.
     */
    @WithDefault("when-busy")
    DecodedBlocks cpuDecodedBlocks();

    /**
     * How late an idle VM may take its guest's one-shot timer interrupts, so that they ride on one
     * host wake-up instead of one each (timer coalescing, ADR 19); {@code 0s} for none, at most
     * {@code 1s}. A VM is idle after two seconds with neither input from the host (keys, pointer,
     * serial console) nor a busy CPU, and stops being idle at the first input. The guest's clock
     * stays right, and a Linux guest with a one-shot tick (the default command line) counts the
     * ticks it missed; periodic timer interrupts are never delayed. Default: 16 ms, under one frame
     * of the 60 Hz screen.
     */
    @WithDefault("16ms")
    Duration idleTimerSlack();

    /**
     * How long the host runs a throwaway clone of a stored snapshot, once after it starts, so that
     * the emulator's code is compiled before the first user waits for a clone (the first clone
     * otherwise answers its console in 0.5-0.7 s instead of 0.1-0.2 s: docs/benchmarks.md, "The
     * first clone"); {@code 0s} for none. Every stored snapshot, and every new one, is checked
     * whole in the background either way.
     */
    @WithDefault("2s")
    Duration snapshotWarmUp();

    /** Directory of the SeaBIOS images ({@code bios.bin}, {@code vgabios-stdvga.bin}). */
    @WithDefault("/usr/share/seabios")
    Path firmwareDir();

    /** The Linux guest VMs with the boot source {@code {"linux": "<name>"}} start. */
    Linux linux();

    /** A Linux guest booted directly from a kernel and initramfs ({@code ./atrium guest build}). */
    interface Linux {
        /** The name a boot source uses for this guest. */
        @WithDefault("debian-i386")
        String name();

        /** The kernel (bzImage). */
        @WithDefault(".atrium/guests/debian-i386/vmlinuz-686")
        Path kernel();

        /** The initramfs. */
        @WithDefault(".atrium/guests/debian-i386/initramfs-busybox-2.cpio.gz")
        Path initrd();

        /**
         * The kernel command line. The last {@code console=} is where init's serial shell runs;
         * {@code tty0} puts the kernel's console on the screen as well. {@code tsc=reliable} keeps
         * the guest's time on the TSC, which follows the VM's virtual clock, instead of a clock
         * built from timer interrupts that a loaded host makes it lose. High-resolution timers stay
         * on: the tick is then a one-shot PIT interrupt, which an idle VM may take late with the
         * ticks it missed counted in one go ({@code idle-timer-slack}, ADR 19; ADR 15's addendums).
         */
        @WithDefault("console=tty0 console=ttyS0 quiet tsc=reliable")
        String commandLine();
    }

    /** Where the host keeps its files; snapshots go to {@code snapshots/} below it. */
    @WithDefault(".atrium/host")
    Path stateDir();

    /** The snapshot store; unset: {@code snapshots} in {@code state-dir}. */
    Optional<Path> snapshotDir();

    /**
     * The image store: golden disk images, by file name, and the qcow2 overlays and snapshot disk
     * layers the host makes beside them ({@code vm@…}, {@code snap@…}); unset: {@code images} in
     * {@code state-dir}.
     */
    Optional<Path> imageStore();

    /**
     * Directory of the kernels and initrds a VM may boot directly (boot source {@code {"kernel":
     * name, "initrd": name, "commandLine": …}}); unset: no kernel boots.
     */
    Optional<Path> imageDir();

    /**
     * The line typed into a clone's first serial port once it runs, to tell the guest who it is;
     * {@code {hostname}}, {@code {macAddress}} and {@code {serialNumber}} are filled in. Empty:
     * nothing is typed.
     */
    @WithDefault(
            "hostname {hostname}; export ATRIUM_HOSTNAME={hostname} ATRIUM_MAC={macAddress}"
                    + " ATRIUM_SERIAL={serialNumber}")
    String cloneIdentityCommand();

    /** Interface the RFB-over-WebSocket listener binds. */
    @WithDefault("0.0.0.0")
    String rfbWsHost();

    /** Port of the RFB-over-WebSocket listener ({@code /ws/vms/{id}?token=...}); 0 picks one. */
    @WithDefault("8082")
    int rfbWsPort();

    /** Largest WebSocket frame payload accepted from a client, in bytes. */
    @WithDefault("65536")
    int maxFramePayload();

    /** Broker base URL; registration and token keys come from there. Unset: no broker. */
    Optional<URI> brokerUrl();

    /** Bearer secret for {@code POST /api/v1/hosts/register} and heartbeats. */
    Optional<String> registrationSecret();

    /** The URL the broker uses to reach this host's control API. */
    @WithDefault("http://localhost:8081")
    URI publicUrl();

    /**
     * The base URL the broker's gateway uses for this host's RFB WebSocket ({@code
     * ws://host:port}). Unset: the host name of {@code public-url} with {@code rfb-ws-port}.
     */
    Optional<URI> rfbPublicUrl();

    /** Time between heartbeats. */
    @WithDefault("5s")
    Duration heartbeatInterval();
}
