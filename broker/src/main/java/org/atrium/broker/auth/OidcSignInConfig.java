package org.atrium.broker.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Sign-in through an OpenID Connect provider (Keycloak), under {@code atrium.oidc}; every key is
 * described in docs/broker.md. Off by default: a single node signs in with built-in accounts only.
 * application.properties hands issuer, client id and secret on to {@code quarkus.oidc.*}.
 */
@ConfigMapping(prefix = "atrium.oidc")
public interface OidcSignInConfig {
    /** Offer "Sign in with …" next to the built-in accounts. */
    @WithDefault("false")
    boolean enabled();

    /** The provider's issuer URL, e.g. {@code https://sso.example.com/realms/atrium}. */
    Optional<String> issuer();

    /** The broker's client id at the provider. */
    @WithDefault("atrium-broker")
    String clientId();

    /** The broker's client secret at the provider. */
    Optional<String> clientSecret();

    /** The name the sign-in page shows: "Sign in with <name>". */
    @WithDefault("Keycloak")
    String providerName();

    /** The ID token claim that names the user's tenant (its short name in Atrium). */
    @WithDefault("tenant")
    String tenantClaim();

    /** The ID token claim with the user's groups (entitlements to pools). */
    @WithDefault("groups")
    String groupsClaim();

    /**
     * Where the ID token lists the user's roles, as a path of claim names separated by {@code /};
     * only {@code user}, {@code tenant-admin} and {@code platform-admin} count.
     */
    @WithDefault("realm_access/roles")
    String rolesClaim();
}
