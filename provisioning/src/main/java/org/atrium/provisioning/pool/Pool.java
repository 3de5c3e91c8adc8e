package org.atrium.provisioning.pool;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An administrator's definition of a set of like desktops and who may use them. */
@Entity
@Table(name = "pool")
public class Pool extends PanacheEntityBase {
    @Id public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PoolKind kind;

    /** Most desktops the pool ever holds. */
    @Column(nullable = false)
    public int size;

    /** READY desktops kept ahead of demand, capped by {@link #size}. */
    @Column(name = "warm_buffer", nullable = false)
    public int warmBuffer;

    @Column(name = "memory_mib", nullable = false)
    public int memoryMiB;

    /** The host control API's {@code boot} object, as JSON, e.g. {@code {"firmware":"seabios"}}. */
    @Column(name = "boot_source", nullable = false)
    public String bootSource;

    /** Group whose members may connect. */
    @Column(name = "entitled_group", nullable = false)
    public String entitledGroup;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
