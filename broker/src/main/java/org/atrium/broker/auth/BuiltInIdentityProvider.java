package org.atrium.broker.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import org.atrium.broker.audit.AuditLog;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.SignInResult;
import org.jboss.logging.Logger;

/**
 * Checks a user name and password from the sign-in form against the built-in accounts, on the
 * {@link SignInExecutor}'s threads.
 */
@ApplicationScoped
public class BuiltInIdentityProvider
        implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private static final Logger LOG = Logger.getLogger(BuiltInIdentityProvider.class);

    private final IdentityService identities;
    private final AuditLog audit;
    private final SignInExecutor signIns;

    public BuiltInIdentityProvider(
            IdentityService identities, AuditLog audit, SignInExecutor signIns) {
        this.identities = identities;
        this.audit = audit;
        this.signIns = signIns;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        return Uni.createFrom()
                .completionStage(
                        () -> CompletableFuture.supplyAsync(() -> check(request), signIns));
    }

    /** Runs on a sign-in thread: checks the password and records the outcome. */
    private SecurityIdentity check(UsernamePasswordAuthenticationRequest request) {
        var result =
                identities.signIn(
                        request.getUsername(), new String(request.getPassword().getPassword()));
        return switch (result) {
            case SignInResult.Accepted(var identity) -> {
                LOG.infof("signed in %s", identity.username());
                audit.recordAlone(
                        identity.tenantId(),
                        identity.username(),
                        AuditLog.SIGN_IN,
                        null,
                        "built-in account");
                yield CallerAttributes.identity(identity);
            }
            case SignInResult.Refused(var reason, var locked, var tenant) -> {
                LOG.infof("sign-in refused: %s", reason);
                audit.recordAlone(
                        tenant,
                        request.getUsername(),
                        AuditLog.SIGN_IN_REFUSED,
                        null,
                        locked ? "locked" : "wrong user name or password");
                var routing = HttpSecurityUtils.getRoutingContextAttribute(request);
                if (locked && routing != null) {
                    routing.put(LockedAccountRedirect.LOCKED, Boolean.TRUE);
                }
                throw new AuthenticationFailedException();
            }
        };
    }
}
