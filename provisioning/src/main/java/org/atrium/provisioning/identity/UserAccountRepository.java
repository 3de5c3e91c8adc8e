package org.atrium.provisioning.identity;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts. Sign-in looks a user up by name before the tenant is known (the name is unique across
 * tenants); everything else names the tenant.
 */
@ApplicationScoped
public class UserAccountRepository implements PanacheRepositoryBase<UserAccount, UUID> {

    /** Locks the row so concurrent wrong passwords count every attempt. */
    public Optional<UserAccount> findForSignIn(String username) {
        return find("username", username)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResultOptional();
    }

    public Optional<UserAccount> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    public Optional<UserAccount> findInTenant(UUID tenantId, String username) {
        return find("tenantId = ?1 and username = ?2", tenantId, username).firstResultOptional();
    }

    /** An account an identity provider authenticates; the subject is unique across tenants. */
    public Optional<UserAccount> findByExternalId(String externalId) {
        return find("externalId", externalId).firstResultOptional();
    }

    public boolean usernameTaken(String username) {
        return count("username", username) > 0;
    }
}
