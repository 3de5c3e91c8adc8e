package org.atrium.provisioning.pool;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Pool definitions; every lookup names the tenant. */
@ApplicationScoped
public class PoolRepository implements PanacheRepositoryBase<Pool, UUID> {

    public List<Pool> listEntitled(UUID tenantId, Collection<String> groups) {
        if (groups.isEmpty()) {
            return List.of();
        }
        return list(
                "tenantId = ?1 and entitledGroup in ?2 order by name",
                tenantId,
                List.copyOf(groups));
    }

    public List<Pool> listInTenant(UUID tenantId) {
        return list("tenantId = ?1 order by name", tenantId);
    }

    public Optional<Pool> findInTenant(UUID tenantId, UUID poolId) {
        return find("tenantId = ?1 and id = ?2", tenantId, poolId).firstResultOptional();
    }

    public Optional<Pool> findByName(UUID tenantId, String name) {
        return find("tenantId = ?1 and name = ?2", tenantId, name).firstResultOptional();
    }

    /** Every pool of every tenant: only for the reconciler, which acts for the platform. */
    public List<Pool> listAllTenants() {
        return listAll();
    }
}
