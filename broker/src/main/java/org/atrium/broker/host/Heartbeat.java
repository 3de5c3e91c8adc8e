package org.atrium.broker.host;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/** {@code POST /api/v1/hosts/{name}/heartbeat} body: the VMs the host runs and its free memory. */
public record Heartbeat(@NotNull List<@Valid VmReport> vms, @Min(0) int freeMemoryMiB) {
    /** {@code guestReady} is absent from hosts that cannot tell whether the guest is up. */
    public record VmReport(@NotNull String id, @NotNull String state, Boolean guestReady) {}
}
