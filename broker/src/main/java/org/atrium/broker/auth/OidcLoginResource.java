package org.atrium.broker.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.atrium.broker.common.ProblemException;

/**
 * The "Sign in with …" link. Only the OIDC code mechanism guards this path
 * (application.properties), so an anonymous visit goes to the provider's login page and comes back
 * here signed in; then the portal opens.
 */
@Path("/oidc/login")
public class OidcLoginResource {
    private final OidcSignInConfig config;

    public OidcLoginResource(OidcSignInConfig config) {
        this.config = config;
    }

    @GET
    public Response signedIn() {
        if (!config.enabled()) {
            throw ProblemException.notFound("sign-in through an identity provider is not set up");
        }
        return Response.seeOther(URI.create("/")).build();
    }
}
