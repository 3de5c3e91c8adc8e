package org.atrium.broker.desktop;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Desktops. Queries for users name the tenant; the ones named {@code …OnHost} or taking a pool id
 * serve the reconciler and host reports, which act for the whole platform.
 */
@ApplicationScoped
public class DesktopRepository implements PanacheRepositoryBase<Desktop, UUID> {

    /**
     * Locks one READY desktop of the pool for this transaction. SKIP LOCKED makes concurrent
     * connects take different rows instead of queueing on the same one, so two users never get one
     * desktop.
     */
    public Optional<Desktop> lockReady(UUID tenantId, UUID poolId) {
        @SuppressWarnings("unchecked")
        List<Desktop> rows =
                getEntityManager()
                        .createNativeQuery(
                                "select * from desktop where tenant_id = ?1 and pool_id = ?2 and"
                                        + " state = 'READY' order by created_at limit 1 for update"
                                        + " skip locked",
                                Desktop.class)
                        .setParameter(1, tenantId)
                        .setParameter(2, poolId)
                        .getResultList();
        return rows.stream().findFirst();
    }

    public Optional<Desktop> findInTenant(UUID tenantId, UUID desktopId) {
        return find("tenantId = ?1 and id = ?2", tenantId, desktopId).firstResultOptional();
    }

    /** A persistent pool's desktop already given to this user. */
    public Optional<Desktop> findAssigned(UUID tenantId, UUID poolId, UUID userId) {
        return find(
                        "tenantId = ?1 and poolId = ?2 and assignedUserId = ?3 and state in ?4",
                        tenantId,
                        poolId,
                        userId,
                        DesktopState.LIVE)
                .firstResultOptional();
    }

    /** The desktops assigned to a user, in their tenant. */
    public List<Desktop> listAssignedTo(UUID tenantId, UUID userId) {
        return list(
                "tenantId = ?1 and assignedUserId = ?2 and state = ?3 order by createdAt",
                tenantId,
                userId,
                DesktopState.ASSIGNED);
    }

    public List<Desktop> listInTenant(UUID tenantId) {
        return list("tenantId = ?1 order by createdAt", tenantId);
    }

    /** Desktops per pool and state across all tenants, for the metrics gauges. */
    public List<Object[]> countByPoolAndState() {
        return getEntityManager()
                .createQuery(
                        "select d.poolId, d.state, count(d) from Desktop d group by d.poolId,"
                                + " d.state",
                        Object[].class)
                .getResultList();
    }

    /** Desktops of a pool in some states, counted within the caller's tenant. */
    public long countInTenantPool(UUID tenantId, UUID poolId, Collection<DesktopState> states) {
        return count(
                "tenantId = ?1 and poolId = ?2 and state in ?3",
                tenantId,
                poolId,
                List.copyOf(states));
    }

    /** For the reconciler, which acts for every tenant. */
    public long countInPool(UUID poolId, Collection<DesktopState> states) {
        return count("poolId = ?1 and state in ?2", poolId, List.copyOf(states));
    }

    /** PROVISIONING desktops of the host among {@code ids} become READY; others are untouched. */
    public int promoteProvisioning(String hostName, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return update(
                "state = ?1, updatedAt = ?2 where hostName = ?3 and state = ?4 and id in ?5",
                DesktopState.READY,
                Instant.now(),
                hostName,
                DesktopState.PROVISIONING,
                List.copyOf(ids));
    }

    public List<Desktop> listInState(DesktopState state) {
        return list("state", state);
    }

    public List<Desktop> listLiveOnHost(String hostName) {
        return list("hostName = ?1 and state in ?2", hostName, DesktopState.LIVE);
    }
}
