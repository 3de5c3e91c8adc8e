package org.atrium.broker.audit;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Audit events; reading always names the tenant, so an admin sees only their tenant's. */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEvent, UUID> {
    public List<AuditEvent> listInTenant(UUID tenantId, int limit) {
        return find("tenantId = ?1 order by occurredAt desc", tenantId).page(0, limit).list();
    }

    public long countInTenant(UUID tenantId, String action) {
        return count("tenantId = ?1 and action = ?2", tenantId, action);
    }
}
