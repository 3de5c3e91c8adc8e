package org.atrium.broker.session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Sessions; every query names the tenant. */
@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<DesktopSession, UUID> {
    private static final List<SessionState> LIVE =
            List.of(SessionState.CONNECTED, SessionState.DISCONNECTED);

    public Optional<DesktopSession> findLive(UUID tenantId, UUID userId, UUID poolId) {
        return find(
                        "tenantId = ?1 and userId = ?2 and poolId = ?3 and state in ?4",
                        tenantId,
                        userId,
                        poolId,
                        LIVE)
                .firstResultOptional();
    }

    public Optional<DesktopSession> findLiveOnDesktop(UUID tenantId, UUID desktopId) {
        return find("tenantId = ?1 and desktopId = ?2 and state in ?3", tenantId, desktopId, LIVE)
                .firstResultOptional();
    }

    public Optional<DesktopSession> findForUser(UUID tenantId, UUID userId, UUID sessionId) {
        return find("tenantId = ?1 and userId = ?2 and id = ?3", tenantId, userId, sessionId)
                .firstResultOptional();
    }

    public List<DesktopSession> listLiveForUser(UUID tenantId, UUID userId) {
        return list(
                "tenantId = ?1 and userId = ?2 and state in ?3 order by createdAt",
                tenantId,
                userId,
                LIVE);
    }

    public List<DesktopSession> listLiveInTenant(UUID tenantId) {
        return list("tenantId = ?1 and state in ?2 order by createdAt", tenantId, LIVE);
    }

    /** Live sessions of every tenant, for the metrics gauge (platform-wide by design). */
    public long countLiveAllTenants() {
        return count("state in ?1", LIVE);
    }

    /** Ends the live sessions on failed desktops (the reconciler acts for every tenant). */
    public int endOnFailedDesktops() {
        return getEntityManager()
                .createNativeQuery(
                        "update desktop_session set state = 'ENDED', ended_at = now(), updated_at ="
                                + " now() where state <> 'ENDED' and desktop_id in (select id from"
                                + " desktop where state = 'FAILED')")
                .executeUpdate();
    }
}
