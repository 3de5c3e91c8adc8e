package org.atrium.provisioning.tenant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An organisation whose users, pools and desktops are kept apart from every other tenant's. */
@Entity
@Table(name = "tenant")
public class Tenant extends PanacheEntityBase {
    @Id public UUID id;

    /** Short, unique, URL-safe name such as {@code demo}. */
    @Column(nullable = false, unique = true)
    public String name;

    @Column(name = "display_name", nullable = false)
    public String displayName;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
