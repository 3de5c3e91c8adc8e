package org.atrium.broker.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** Ends the form session: the cookie is HttpOnly, so only the server can clear it. */
@Path("/logout")
public class LogoutResource {
    private final SecurityIdentity identity;

    public LogoutResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @POST
    public void logout() {
        FormAuthenticationMechanism.logout(identity);
    }
}
