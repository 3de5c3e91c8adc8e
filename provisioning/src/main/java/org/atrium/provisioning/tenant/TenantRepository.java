package org.atrium.provisioning.tenant;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** Tenants are the root of scoping, so this is the one repository not filtered by tenant. */
@ApplicationScoped
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {
    public Optional<Tenant> findByName(String name) {
        return find("name", name).firstResultOptional();
    }
}
