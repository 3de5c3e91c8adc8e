package org.atrium.broker.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.audit.AuditLog;
import org.atrium.broker.auth.Caller;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.host.Host;
import org.atrium.broker.host.HostRepository;
import org.atrium.broker.host.HostState;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.Role;
import org.atrium.provisioning.tenant.Tenant;
import org.atrium.provisioning.tenant.TenantService;

/**
 * What a platform admin manages: tenants (and their first admin) and hosts. It never reads a
 * tenant's pools, desktops or sessions: those belong to the tenant's own admins.
 */
@ApplicationScoped
public class PlatformAdminService {
    /** A tenant as the platform admin sees it. */
    public record TenantView(UUID id, String name, String displayName, Instant createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id, tenant.name, tenant.displayName, tenant.createdAt);
        }
    }

    /** A host as the platform admin sees it. */
    public record HostView(
            String name,
            String controlUrl,
            HostState state,
            int capacityMemoryMiB,
            int capacityVms,
            int freeMemoryMiB,
            Instant lastHeartbeat) {
        static HostView of(Host host) {
            return new HostView(
                    host.name,
                    host.controlUrl,
                    host.state,
                    host.capacityMemoryMiB,
                    host.capacityVms,
                    host.freeMemoryMiB,
                    host.lastHeartbeat);
        }
    }

    private final TenantService tenants;
    private final IdentityService identities;
    private final HostRepository hosts;
    private final AuditLog audit;

    public PlatformAdminService(
            TenantService tenants,
            IdentityService identities,
            HostRepository hosts,
            AuditLog audit) {
        this.tenants = tenants;
        this.identities = identities;
        this.hosts = hosts;
        this.audit = audit;
    }

    @Transactional
    public List<TenantView> tenants() {
        return tenants.list().stream().map(TenantView::of).toList();
    }

    @Transactional
    public TenantView tenant(UUID id) {
        return tenants.findById(id)
                .map(TenantView::of)
                .orElseThrow(() -> ProblemException.notFound("no tenant " + id));
    }

    @Transactional
    public TenantView createTenant(Caller caller, AdminRequests.NewTenant request) {
        var tenant = tenants.create(request.name(), request.displayName());
        audit.record(
                tenant.id, caller.username(), AuditLog.ADMIN, "tenant " + tenant.name, "created");
        return TenantView.of(tenant);
    }

    /** Creates an administrator (with the user role too) in a tenant. */
    @Transactional
    public UserView createTenantAdmin(
            Caller caller, UUID tenantId, AdminRequests.NewAdmin request) {
        var tenant =
                tenants.findById(tenantId)
                        .orElseThrow(() -> ProblemException.notFound("no tenant " + tenantId));
        var identity =
                identities.createUser(
                        tenant.id,
                        request.username(),
                        request.password(),
                        List.of(Role.USER, Role.TENANT_ADMIN),
                        request.groups() == null ? List.of() : request.groups());
        audit.record(
                tenant.id,
                caller.username(),
                AuditLog.ADMIN,
                "user " + identity.username(),
                "created as tenant admin");
        return UserView.of(identity);
    }

    @Transactional
    public List<HostView> hosts() {
        return hosts.listAll().stream().map(HostView::of).toList();
    }

    @Transactional
    public HostView host(String name) {
        return hosts.findByIdOptional(name)
                .map(HostView::of)
                .orElseThrow(() -> ProblemException.notFound("no host " + name));
    }
}
