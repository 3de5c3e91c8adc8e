package org.atrium.broker.token;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A connection token the gateway has used; kept until it would have expired anyway. */
@Entity
@Table(name = "consumed_token")
public class ConsumedToken extends PanacheEntityBase {
    @Id public String jti;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "consumed_at", nullable = false)
    public Instant consumedAt;
}
