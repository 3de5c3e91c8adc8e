package org.atrium.broker.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.atrium.provisioning.identity.IdentityService;

/**
 * Rebuilds the identity of a user whose encrypted session cookie names them. The account is read
 * again on every request so removed accounts and changed roles take effect at once.
 */
@ApplicationScoped
public class SessionCookieIdentityProvider
        implements IdentityProvider<TrustedAuthenticationRequest> {
    private final IdentityService identities;

    public SessionCookieIdentityProvider(IdentityService identities) {
        this.identities = identities;
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(
                () ->
                        identities
                                .findByUsername(request.getPrincipal())
                                .map(CallerAttributes::identity)
                                .orElseThrow(AuthenticationFailedException::new));
    }
}
