package org.atrium.broker.session;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A user's use of a desktop, from connect to logoff. */
@Entity
@Table(name = "desktop_session")
public class DesktopSession extends PanacheEntityBase {
    @Id public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "pool_id", nullable = false)
    public UUID poolId;

    @Column(name = "desktop_id", nullable = false)
    public UUID desktopId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SessionState state;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    public void moveTo(SessionState next) {
        state = next;
        updatedAt = Instant.now();
        if (next == SessionState.ENDED) {
            endedAt = updatedAt;
        }
    }
}
