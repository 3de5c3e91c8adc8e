package org.atrium.broker.isolation;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Test-only sign-in of a user who has roles but no tenant. The account model cannot hold such a
 * user (every account row names its tenant), but another sign-in mechanism could produce one, for
 * example an OIDC token without a tenant claim; this stands in for that mechanism, which cannot run
 * in this test. Acts only on requests carrying {@link #HEADER}.
 */
@ApplicationScoped
public class NoTenantMechanism implements HttpAuthenticationMechanism {
    public static final String HEADER = "X-Test-No-Tenant";

    @Override
    public Uni<SecurityIdentity> authenticate(
            RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (context.request().getHeader(HEADER) == null) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        return Uni.createFrom()
                .item(
                        QuarkusSecurityIdentity.builder()
                                .setPrincipal(new QuarkusPrincipal("no-tenant"))
                                .addRoles(Set.of("user", "tenant-admin"))
                                .build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().optional(java.util.Optional.empty());
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }
}
