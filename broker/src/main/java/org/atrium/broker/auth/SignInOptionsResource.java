package org.atrium.broker.auth;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What the sign-in page offers besides the built-in accounts' form; public. */
@PermitAll
@Path("/api/v1/sign-in/options")
@Produces(MediaType.APPLICATION_JSON)
public class SignInOptionsResource {
    /** A link that signs in through an identity provider. */
    public record Provider(String name, String path) {}

    /** The providers; empty when only built-in accounts sign in. */
    public record Options(List<Provider> providers) {}

    private final OidcSignInConfig config;

    public SignInOptionsResource(OidcSignInConfig config) {
        this.config = config;
    }

    @GET
    public Options options() {
        return new Options(
                config.enabled()
                        ? List.of(new Provider(config.providerName(), "/oidc/login"))
                        : List.of());
    }
}
