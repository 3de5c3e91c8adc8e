package org.atrium.broker.host;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * {@code POST /api/v1/hosts/register} body, per docs/architecture.md. {@code rfbUrl} is optional: a
 * host whose RFB WebSocket listens apart from its control API (its own port) names its base here,
 * e.g. {@code ws://host:8082}. {@code snapshots} names the snapshots the host holds; a host that
 * leaves it out gets no instant clones until a heartbeat says which it holds.
 */
public record HostRegistration(
        @NotNull @Pattern(regexp = NAME) String name,
        @NotNull @Pattern(regexp = "https?://[^\\s]+") String controlUrl,
        @Pattern(regexp = "wss?://[^\\s]+") String rfbUrl,
        @NotNull @Valid Capacity capacity,
        List<@NotNull @Pattern(regexp = NAME) String> snapshots) {
    /** A host's name, and a snapshot's as a desktop host's snapshot store allows it. */
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    public record Capacity(@Min(1) @Max(16_777_216) int memoryMiB, @Min(1) @Max(100_000) int vms) {}
}
