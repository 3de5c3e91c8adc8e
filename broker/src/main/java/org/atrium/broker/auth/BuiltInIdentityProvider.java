package org.atrium.broker.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.SignInResult;
import org.jboss.logging.Logger;

/** Checks a user name and password from the sign-in form against the built-in accounts. */
@ApplicationScoped
public class BuiltInIdentityProvider
        implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private static final Logger LOG = Logger.getLogger(BuiltInIdentityProvider.class);

    private final IdentityService identities;

    public BuiltInIdentityProvider(IdentityService identities) {
        this.identities = identities;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(
                () -> {
                    var result =
                            identities.signIn(
                                    request.getUsername(),
                                    new String(request.getPassword().getPassword()));
                    return switch (result) {
                        case SignInResult.Accepted(var identity) -> {
                            LOG.infof("signed in %s", identity.username());
                            yield CallerAttributes.identity(identity);
                        }
                        case SignInResult.Refused(var reason, var locked) -> {
                            LOG.infof("sign-in refused: %s", reason);
                            var routing = HttpSecurityUtils.getRoutingContextAttribute(request);
                            if (locked && routing != null) {
                                routing.put(LockedAccountRedirect.LOCKED, Boolean.TRUE);
                            }
                            throw new AuthenticationFailedException();
                        }
                    };
                });
    }
}
