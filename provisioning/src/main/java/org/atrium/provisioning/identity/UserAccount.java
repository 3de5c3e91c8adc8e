package org.atrium.provisioning.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A built-in account (single-node sign-in); an external directory replaces it in production. */
@Entity
@Table(name = "user_account")
public class UserAccount extends PanacheEntityBase {
    @Id public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    /** Unique across tenants, because the login form asks for a user name only. */
    @Column(nullable = false, unique = true)
    public String username;

    /** Null for an account an external identity provider authenticates. */
    @Column(name = "password_hash")
    public String passwordHash;

    /** The identity provider's subject ({@code <issuer>|<sub>}); null for built-in accounts. */
    @Column(name = "external_id", unique = true)
    public String externalId;

    /** Role names as in {@link Role#roleName()}. */
    @Column(nullable = false)
    public String[] roles;

    @Column(nullable = false)
    public String[] groups;

    @Column(name = "failed_attempts", nullable = false)
    public int failedAttempts;

    @Column(name = "locked_until")
    public Instant lockedUntil;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
