package org.atrium.emulator.machine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link PcMachine} is built from.
 *
 * @param memoryMiB guest RAM in MiB, 2 to 3584 (the PCI hole starts at 3.5 GiB)
 * @param bios the system BIOS image (SeaBIOS {@code bios.bin}); a multiple of 64 KiB, at most 16
 *     MiB; mapped just below 4 GiB and its top 128 KiB also at 0xE0000. Optional with a kernel,
 *     which needs no BIOS: then a blank 64 KiB ROM takes its place
 * @param vgaBios the VGA option ROM served by the display adapter's PCI ROM BAR, or {@code null}
 *     for none
 * @param kernel a Linux bzImage to boot directly (32-bit boot protocol, no BIOS code runs; the BIOS
 *     image stays mapped where the board puts it), or {@code null} to boot through the BIOS
 * @param initrd an initial RAM disk for {@code kernel}, or {@code null}
 * @param commandLine the kernel command line, or {@code null}
 * @param drives the drives on the IDE controller, at most one per position
 * @param decodedBlocks when the CPU runs guest code from a cache of decoded blocks (ADR 17): {@link
 *     DecodedBlocks#ALWAYS} in the factory methods, as {@code ./atrium vm} runs. The guest sees no
 *     difference, and snapshots do not record it
 * @param idleTimerSlack how late an idle machine may deliver its guest's one-shot timer interrupts,
 *     so that they ride on one wake-up instead of one each (timer coalescing, ADR 19): zero in the
 *     factory methods, as {@code ./atrium vm} runs; at most {@link #MAX_IDLE_TIMER_SLACK}. The
 *     machine is idle when its guest has run few instructions and the host has given it no input
 *     for two seconds ({@code GuestActivity}); periodic timer interrupts are never delayed
 */
public record MachineConfig(
        int memoryMiB,
        Path bios,
        Path vgaBios,
        Path kernel,
        Path initrd,
        String commandLine,
        List<DriveConfig> drives,
        DecodedBlocks decodedBlocks,
        Duration idleTimerSlack) {
    public static final int MIN_MEMORY_MIB = 2;
    public static final int MAX_MEMORY_MIB = 3584;
    public static final Duration MAX_IDLE_TIMER_SLACK = Duration.ofSeconds(1);

    public MachineConfig {
        if (memoryMiB < MIN_MEMORY_MIB || memoryMiB > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException(
                    "memoryMiB must be between "
                            + MIN_MEMORY_MIB
                            + " and "
                            + MAX_MEMORY_MIB
                            + ", got "
                            + memoryMiB);
        }
        if (kernel == null) {
            Objects.requireNonNull(bios, "bios");
        }
        if (kernel == null && (initrd != null || commandLine != null)) {
            throw new IllegalArgumentException("initrd and commandLine need a kernel");
        }
        Objects.requireNonNull(decodedBlocks, "decodedBlocks");
        requireIdleTimerSlack(idleTimerSlack);
        drives = drives == null ? List.of() : List.copyOf(drives);
        var taken = new HashSet<Integer>();
        for (DriveConfig drive : drives) {
            if (!taken.add(drive.position())) {
                throw new IllegalArgumentException(
                        "two drives at IDE position " + drive.position());
            }
        }
    }

    /**
     * Returns {@code slack} if it can be a machine's idle timer slack.
     *
     * @throws IllegalArgumentException if it is negative or longer than {@link
     *     #MAX_IDLE_TIMER_SLACK}
     */
    public static Duration requireIdleTimerSlack(Duration slack) {
        Objects.requireNonNull(slack, "idleTimerSlack");
        if (slack.isNegative() || slack.compareTo(MAX_IDLE_TIMER_SLACK) > 0) {
            throw new IllegalArgumentException(
                    "idleTimerSlack must be between 0 and "
                            + MAX_IDLE_TIMER_SLACK.toMillis()
                            + " ms, got "
                            + slack);
        }
        return slack;
    }

    /** This machine with {@code newDrives} on its IDE controller instead of its drives. */
    public MachineConfig withDrives(List<DriveConfig> newDrives) {
        return with(newDrives, decodedBlocks, idleTimerSlack);
    }

    /** This machine with its CPU running from decoded blocks as {@code when} says. */
    public MachineConfig withDecodedBlocks(DecodedBlocks when) {
        return with(drives, when, idleTimerSlack);
    }

    /** This machine with {@code slack} as its idle timer slack. */
    public MachineConfig withIdleTimerSlack(Duration slack) {
        return with(drives, decodedBlocks, slack);
    }

    private MachineConfig with(List<DriveConfig> d, DecodedBlocks blocks, Duration slack) {
        return new MachineConfig(
                memoryMiB, bios, vgaBios, kernel, initrd, commandLine, d, blocks, slack);
    }

    /** A machine that boots through the BIOS, with a VGA BIOS (or {@code null} for none). */
    public static MachineConfig firmware(int memoryMiB, Path bios, Path vgaBios) {
        return new MachineConfig(
                memoryMiB,
                bios,
                vgaBios,
                null,
                null,
                null,
                List.of(),
                DecodedBlocks.ALWAYS,
                Duration.ZERO);
    }

    /** A machine that starts a Linux kernel directly; {@code initrd} may be {@code null}. */
    public static MachineConfig linux(
            int memoryMiB, Path bios, Path kernel, Path initrd, String commandLine) {
        return new MachineConfig(
                memoryMiB,
                bios,
                null,
                Objects.requireNonNull(kernel, "kernel"),
                initrd,
                commandLine,
                List.of(),
                DecodedBlocks.ALWAYS,
                Duration.ZERO);
    }
}
