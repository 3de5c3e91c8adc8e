package org.atrium.broker.token;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An ES256 key pair; kept in the database so every broker replica signs and verifies alike. */
@Entity
@Table(name = "signing_key")
public class SigningKey extends PanacheEntityBase {
    @Id public String kid;

    @Column(name = "private_pkcs8", nullable = false)
    public byte[] privatePkcs8;

    @Column(name = "public_x509", nullable = false)
    public byte[] publicX509;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
