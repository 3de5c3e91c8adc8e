package org.atrium.broker.session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.atrium.broker.audit.AuditLog;
import org.atrium.broker.auth.Caller;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.desktop.Desktop;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.token.TokenService;
import org.atrium.provisioning.pool.Pool;
import org.atrium.provisioning.pool.PoolKind;
import org.atrium.provisioning.pool.PoolService;
import org.jboss.logging.Logger;

/** Assignment: connect, reconnect, disconnect and logoff. */
@ApplicationScoped
public class SessionService {
    private static final Logger LOG = Logger.getLogger(SessionService.class);

    private final PoolService pools;
    private final DesktopRepository desktops;
    private final SessionRepository sessions;
    private final TokenService tokens;
    private final AuditLog audit;

    public SessionService(
            PoolService pools,
            DesktopRepository desktops,
            SessionRepository sessions,
            TokenService tokens,
            AuditLog audit) {
        this.pools = pools;
        this.desktops = desktops;
        this.sessions = sessions;
        this.tokens = tokens;
        this.audit = audit;
    }

    /**
     * Gives the caller a desktop of the pool in one transaction: their live session's desktop if
     * they have one (reconnect), else their persistent desktop, else a READY desktop locked with
     * SKIP LOCKED. Issues a connection token for it.
     */
    @Transactional
    public Connection connect(Caller caller, UUID poolId) {
        Pool pool =
                pools.findInTenant(caller.tenantId(), poolId)
                        .orElseThrow(() -> ProblemException.notFound("no pool " + poolId));
        if (!caller.groups().contains(pool.entitledGroup)) {
            throw ProblemException.forbidden("you are not entitled to pool " + pool.name);
        }
        var live = sessions.findLive(caller.tenantId(), caller.userId(), poolId);
        DesktopSession session;
        Desktop desktop;
        if (live.isPresent()) {
            session = live.get();
            desktop =
                    desktops.findInTenant(caller.tenantId(), session.desktopId)
                            .orElseThrow(() -> new IllegalStateException("session lost desktop"));
            session.moveTo(SessionState.CONNECTED);
        } else {
            desktop =
                    (pool.kind == PoolKind.PERSISTENT
                                    ? desktops.findAssigned(
                                            caller.tenantId(), poolId, caller.userId())
                                    : Optional.<Desktop>empty())
                            .or(() -> desktops.lockReady(caller.tenantId(), poolId))
                            .orElseThrow(
                                    () ->
                                            ProblemException.unavailable(
                                                    "no desktop of pool "
                                                            + pool.name
                                                            + " is ready; try again shortly"));
            desktop.assignedUserId = caller.userId();
            desktop.moveTo(DesktopState.ASSIGNED);
            session = new DesktopSession();
            session.id = UUID.randomUUID();
            session.tenantId = caller.tenantId();
            session.userId = caller.userId();
            session.poolId = poolId;
            session.desktopId = desktop.id;
            session.createdAt = Instant.now();
            session.moveTo(SessionState.CONNECTED);
            sessions.persist(session);
            LOG.infof("desktop %s assigned to %s", desktop.id, caller.username());
        }
        if (desktop.state != DesktopState.ASSIGNED || desktop.hostName == null) {
            throw ProblemException.unavailable("desktop " + desktop.id + " is not available");
        }
        String token =
                tokens.issue(caller.userId(), caller.tenantId(), desktop.id, desktop.hostName);
        audit.record(
                caller.tenantId(),
                caller.username(),
                AuditLog.CONNECT,
                "desktop " + desktop.id,
                "pool " + pool.id + ", session " + session.id);
        return new Connection(
                desktop.id, session.id, "/ws/desktops/" + desktop.id + "?token=" + token);
    }

    @Transactional
    public List<SessionView> list(Caller caller) {
        return sessions.listLiveForUser(caller.tenantId(), caller.userId()).stream()
                .map(SessionView::of)
                .toList();
    }

    @Transactional
    public SessionView get(Caller caller, UUID sessionId) {
        return sessions.findForUser(caller.tenantId(), caller.userId(), sessionId)
                .map(SessionView::of)
                .orElseThrow(() -> ProblemException.notFound("no session " + sessionId));
    }

    /** Every live session of the caller's tenant, for its admins. */
    @Transactional
    public List<SessionView> listLiveInTenant(Caller caller) {
        return sessions.listLiveInTenant(caller.tenantId()).stream().map(SessionView::of).toList();
    }

    /** Leaves the desktop running and reserved; a later connect resumes it. */
    @Transactional
    public SessionView disconnect(Caller caller, UUID sessionId) {
        DesktopSession session = liveSession(caller, sessionId);
        session.moveTo(SessionState.DISCONNECTED);
        audit.record(
                caller.tenantId(),
                caller.username(),
                AuditLog.DISCONNECT,
                "desktop " + session.desktopId,
                "session " + session.id);
        return SessionView.of(session);
    }

    /**
     * Ends the session; a pooled desktop goes to be recycled, a persistent one stays the user's.
     */
    @Transactional
    public SessionView logoff(Caller caller, UUID sessionId) {
        DesktopSession session = liveSession(caller, sessionId);
        session.moveTo(SessionState.ENDED);
        Pool pool = pools.findInTenant(caller.tenantId(), session.poolId).orElseThrow();
        desktops.findInTenant(caller.tenantId(), session.desktopId)
                .filter(d -> d.state == DesktopState.ASSIGNED && pool.kind == PoolKind.POOLED)
                .ifPresent(
                        d -> {
                            d.assignedUserId = null;
                            d.moveTo(DesktopState.RECYCLING);
                        });
        audit.record(
                caller.tenantId(),
                caller.username(),
                AuditLog.LOGOFF,
                "desktop " + session.desktopId,
                "session " + session.id);
        return SessionView.of(session);
    }

    /** Called by the gateway when the proxied socket closes. */
    @Transactional
    public void socketClosed(UUID tenantId, UUID desktopId) {
        sessions.findLiveOnDesktop(tenantId, desktopId)
                .filter(s -> s.state == SessionState.CONNECTED)
                .ifPresent(s -> s.moveTo(SessionState.DISCONNECTED));
    }

    private DesktopSession liveSession(Caller caller, UUID sessionId) {
        return sessions.findForUser(caller.tenantId(), caller.userId(), sessionId)
                .filter(s -> s.state != SessionState.ENDED)
                .orElseThrow(() -> ProblemException.notFound("no live session " + sessionId));
    }
}
