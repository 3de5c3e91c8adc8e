package org.atrium.provisioning.identity;

import java.util.UUID;

/** The outcome of checking a user name and password. */
public sealed interface SignInResult {
    record Accepted(Identity identity) implements SignInResult {}

    /**
     * Refused; the reason is for the log, never for the person signing in. {@code locked} says the
     * account is locked, which the sign-in page may tell (it reveals no password information).
     * {@code tenantId} is the tenant of the account named, null if there is none, so that tenant's
     * admins see the attempts.
     */
    record Refused(String reason, boolean locked, UUID tenantId) implements SignInResult {}
}
