package org.atrium.host.vm;

import java.time.Duration;
import java.util.Objects;
import org.atrium.emulator.machine.DecodedBlocks;
import org.atrium.emulator.machine.MachineConfig;

/**
 * How the host runs every VM's machine, whatever the VM: settings of the emulator that the guest
 * does not see as a different PC, only as a different host.
 *
 * @param decodedBlocks when the CPU runs guest code from decoded blocks ({@link
 *     MachineConfig#decodedBlocks()}, {@code atrium.host.cpu-decoded-blocks})
 * @param idleTimerSlack how late an idle VM may take its one-shot timer interrupts ({@link
 *     MachineConfig#idleTimerSlack()}, {@code atrium.host.idle-timer-slack})
 */
public record MachineTuning(DecodedBlocks decodedBlocks, Duration idleTimerSlack) {
    /** The desktop host's defaults (HostConfig): the cache while busy, 16 ms of idle slack. */
    public static final MachineTuning HOST_DEFAULT =
            new MachineTuning(DecodedBlocks.WHEN_BUSY, Duration.ofMillis(16));

    public MachineTuning {
        Objects.requireNonNull(decodedBlocks, "decodedBlocks");
        // Checked here too, so that a bad setting fails the host's startup, not its first VM.
        MachineConfig.requireIdleTimerSlack(idleTimerSlack);
    }

    /** {@code config} run as this says. */
    public MachineConfig apply(MachineConfig config) {
        return config.withDecodedBlocks(decodedBlocks).withIdleTimerSlack(idleTimerSlack);
    }
}
