package org.atrium.broker.desktop;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One desktop of a pool; its id is also the VM id on its host. */
@Entity
@Table(name = "desktop")
public class Desktop extends PanacheEntityBase {
    @Id public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(name = "pool_id", nullable = false)
    public UUID poolId;

    @Column(name = "host_name")
    public String hostName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DesktopState state;

    @Column(name = "assigned_user_id")
    public UUID assignedUserId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public void moveTo(DesktopState next) {
        state = next;
        updatedAt = Instant.now();
    }
}
