package org.atrium.broker.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import org.atrium.broker.common.ProblemException;

/** The caller of the current request. */
@RequestScoped
public class CurrentCaller {
    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller get() {
        return CallerAttributes.caller(identity)
                .orElseThrow(() -> ProblemException.unauthorized("sign in first"));
    }
}
