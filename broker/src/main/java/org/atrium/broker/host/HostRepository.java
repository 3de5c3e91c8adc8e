package org.atrium.broker.host;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Hosts are platform resources shared by tenants, so these queries carry no tenant. */
@ApplicationScoped
public class HostRepository implements PanacheRepositoryBase<Host, String> {
    public List<Host> listUp() {
        return list("state = ?1 order by name", HostState.UP);
    }

    /** UP hosts whose last heartbeat is older than {@code cutoff}. */
    public List<Host> listSilentSince(Instant cutoff) {
        return list("state = ?1 and lastHeartbeat < ?2", HostState.UP, cutoff);
    }
}
