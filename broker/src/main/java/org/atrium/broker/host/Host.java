package org.atrium.broker.host;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A desktop host as it registered and last reported; hosts serve every tenant. */
@Entity
@Table(name = "host")
public class Host extends PanacheEntityBase {
    @Id public String name;

    @Column(name = "control_url", nullable = false)
    public String controlUrl;

    /** Base of the RFB WebSocket ({@code ws://…}); null means the control URL's scheme and port. */
    @Column(name = "rfb_url")
    public String rfbUrl;

    @Column(name = "capacity_memory_mib", nullable = false)
    public int capacityMemoryMiB;

    @Column(name = "capacity_vms", nullable = false)
    public int capacityVms;

    @Column(name = "free_memory_mib", nullable = false)
    public int freeMemoryMiB;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public HostState state;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    @Column(name = "last_heartbeat", nullable = false)
    public Instant lastHeartbeat;

    /**
     * The snapshots the host holds, as it last reported them, joined by ','; null when it has not
     * said (a host from before it).
     */
    @Column(name = "snapshots")
    public String snapshots;

    /** Records the snapshots the host reported; null (not reported) keeps what it said before. */
    public void reportSnapshots(List<String> names) {
        if (names != null) {
            snapshots = String.join(",", names);
        }
    }

    /** Whether the host said it holds snapshot {@code name}. */
    public boolean holdsSnapshot(String name) {
        return snapshots != null && Arrays.asList(snapshots.split(",")).contains(name);
    }

    /** The WebSocket base the gateway connects to for this host's VMs. */
    public String socketBase() {
        return rfbUrl != null ? rfbUrl : controlUrl.replaceFirst("^http", "ws");
    }
}
