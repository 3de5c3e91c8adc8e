package org.atrium.broker.token;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Map;

/** The public keys hosts use to check connection tokens; public by design. */
@Path("/api/v1/tokens/jwks")
@PermitAll
public class JwksResource {
    private final TokenService tokens;

    public JwksResource(TokenService tokens) {
        this.tokens = tokens;
    }

    @GET
    @Produces({"application/jwk-set+json", "application/json"})
    public Map<String, Object> jwks() {
        return tokens.jwks();
    }
}
