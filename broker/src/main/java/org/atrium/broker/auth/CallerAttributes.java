package org.atrium.broker.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.atrium.provisioning.identity.Identity;

/**
 * The attributes a {@link SecurityIdentity} carries for Atrium. Any sign-in mechanism (built-in
 * accounts now, OIDC later through an identity augmentor) only has to set these.
 */
public final class CallerAttributes {
    public static final String USER_ID = "atrium.user-id";
    public static final String TENANT_ID = "atrium.tenant-id";
    public static final String GROUPS = "atrium.groups";

    private CallerAttributes() {}

    public static SecurityIdentity identity(Identity identity) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(identity.username()))
                .addRoles(identity.roles())
                .addAttribute(USER_ID, identity.userId())
                .addAttribute(TENANT_ID, identity.tenantId())
                .addAttribute(GROUPS, Set.copyOf(identity.groups()))
                .build();
    }

    /** The caller, or empty for an anonymous identity or one without Atrium attributes. */
    public static Optional<Caller> caller(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Optional.empty();
        }
        UUID userId = identity.getAttribute(USER_ID);
        UUID tenantId = identity.getAttribute(TENANT_ID);
        Set<String> groups = identity.getAttribute(GROUPS);
        if (userId == null || tenantId == null) {
            return Optional.empty();
        }
        return Optional.of(
                new Caller(
                        userId,
                        identity.getPrincipal().getName(),
                        tenantId,
                        Set.copyOf(identity.getRoles()),
                        groups == null ? Set.of() : groups));
    }
}
