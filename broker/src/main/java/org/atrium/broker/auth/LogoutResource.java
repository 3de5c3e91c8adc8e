package org.atrium.broker.auth;

import io.quarkus.oidc.OidcSession;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Ends the session, form or OIDC: the cookies are HttpOnly, so only the server can clear them. An
 * OIDC sign-out is local: the provider's own session stays (no RP-initiated logout yet).
 */
@Path("/logout")
public class LogoutResource {
    private final SecurityIdentity identity;
    private final OidcSession oidcSession;

    public LogoutResource(SecurityIdentity identity, OidcSession oidcSession) {
        this.identity = identity;
        this.oidcSession = oidcSession;
    }

    @POST
    public Uni<Void> logout() {
        if (identity.getPrincipal() instanceof JsonWebToken) {
            return oidcSession.logout();
        }
        FormAuthenticationMechanism.logout(identity);
        return Uni.createFrom().voidItem();
    }
}
