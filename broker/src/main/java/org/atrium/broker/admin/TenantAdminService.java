package org.atrium.broker.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.audit.AuditLog;
import org.atrium.broker.auth.Caller;
import org.atrium.broker.common.ProblemException;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.Role;
import org.atrium.provisioning.pool.PoolDefinition;
import org.atrium.provisioning.pool.PoolService;

/**
 * What a tenant admin manages: their own tenant's pools and users. The tenant always comes from the
 * caller, never from the request, so no request can reach another tenant.
 */
@ApplicationScoped
public class TenantAdminService {
    private final PoolService pools;
    private final IdentityService identities;
    private final AuditLog audit;

    public TenantAdminService(PoolService pools, IdentityService identities, AuditLog audit) {
        this.pools = pools;
        this.identities = identities;
        this.audit = audit;
    }

    @Transactional
    public List<AdminPoolView> pools(Caller caller) {
        return pools.listInTenant(caller.tenantId()).stream().map(AdminPoolView::of).toList();
    }

    @Transactional
    public AdminPoolView pool(Caller caller, UUID poolId) {
        return pools.findInTenant(caller.tenantId(), poolId)
                .map(AdminPoolView::of)
                .orElseThrow(() -> ProblemException.notFound("no pool " + poolId));
    }

    @Transactional
    public AdminPoolView define(Caller caller, PoolDefinition definition) {
        var pool = pools.define(caller.tenantId(), definition);
        audit.record(
                caller.tenantId(), caller.username(), AuditLog.ADMIN, "pool " + pool.id, "defined");
        return AdminPoolView.of(pool);
    }

    @Transactional
    public AdminPoolView resize(Caller caller, UUID poolId, AdminRequests.Capacity capacity) {
        var pool =
                pools.resize(caller.tenantId(), poolId, capacity.size(), capacity.warmBuffer())
                        .orElseThrow(() -> ProblemException.notFound("no pool " + poolId));
        audit.record(
                caller.tenantId(),
                caller.username(),
                AuditLog.ADMIN,
                "pool " + pool.id,
                "resized to " + capacity.size() + ", warm " + capacity.warmBuffer());
        return AdminPoolView.of(pool);
    }

    /** Creates a user of the caller's tenant; only the user role, never an admin role. */
    @Transactional
    public UserView createUser(Caller caller, AdminRequests.NewUser request) {
        var identity =
                identities.createUser(
                        caller.tenantId(),
                        request.username(),
                        request.password(),
                        List.of(Role.USER),
                        request.groups() == null ? List.of() : request.groups());
        audit.record(
                caller.tenantId(),
                caller.username(),
                AuditLog.ADMIN,
                "user " + identity.username(),
                "created");
        return UserView.of(identity);
    }
}
