package org.atrium.broker.audit;

import java.time.Instant;
import java.util.UUID;

/** An audit event as a tenant admin reads it. */
public record AuditView(
        UUID id, Instant occurredAt, String actor, String action, String target, String detail) {
    static AuditView of(AuditEvent event) {
        return new AuditView(
                event.id, event.occurredAt, event.actor, event.action, event.target, event.detail);
    }
}
