package org.atrium.broker.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Writes and reads the audit log. */
@ApplicationScoped
public class AuditLog {
    /** The actions recorded; the names are what the API shows. */
    public static final String SIGN_IN = "sign-in";

    public static final String SIGN_IN_REFUSED = "sign-in-refused";
    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    public static final String LOGOFF = "logoff";
    public static final String ADMIN = "admin";

    private final AuditRepository events;

    public AuditLog(AuditRepository events) {
        this.events = events;
    }

    /**
     * Records an event in the caller's transaction, so an action and its record commit or roll back
     * together.
     */
    @Transactional(TxType.MANDATORY)
    public void record(UUID tenantId, String actor, String action, String target, String detail) {
        events.persist(event(tenantId, actor, action, target, detail));
    }

    /** Records an event on its own, for callers outside a transaction (sign-in). */
    @Transactional(TxType.REQUIRES_NEW)
    public void recordAlone(
            UUID tenantId, String actor, String action, String target, String detail) {
        events.persist(event(tenantId, actor, action, target, detail));
    }

    @Transactional
    public List<AuditView> list(UUID tenantId, int limit) {
        return events.listInTenant(tenantId, Math.clamp(limit, 1, 1000)).stream()
                .map(AuditView::of)
                .toList();
    }

    private static AuditEvent event(
            UUID tenantId, String actor, String action, String target, String detail) {
        var event = new AuditEvent();
        event.id = UUID.randomUUID();
        event.tenantId = tenantId;
        event.occurredAt = Instant.now();
        event.actor = actor == null ? "" : clip(actor);
        event.action = action;
        event.target = clip(target);
        event.detail = clip(detail);
        return event;
    }

    /** Callers may pass what a client typed (a user name); keep rows bounded. */
    private static String clip(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200);
    }
}
