package org.atrium.broker.host;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * {@code POST /api/v1/hosts/{name}/heartbeat} body: the VMs the host runs, its free memory, and the
 * snapshots it holds (absent from hosts from before it: then what it said before stands).
 */
public record Heartbeat(
        @NotNull List<@Valid VmReport> vms,
        @Min(0) int freeMemoryMiB,
        List<@NotNull @Pattern(regexp = HostRegistration.NAME) String> snapshots) {
    /** {@code guestReady} is absent from hosts that cannot tell whether the guest is up. */
    public record VmReport(@NotNull String id, @NotNull String state, Boolean guestReady) {}
}
