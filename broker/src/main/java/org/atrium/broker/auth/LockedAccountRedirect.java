package org.atrium.broker.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Form authentication sends every failure to {@code /login.html?error=1}; for a locked account the
 * sign-in page shows a different message, so this rewrites that redirect to {@code ?error=locked}
 * when the identity provider marked the request as refused for a lock.
 */
@ApplicationScoped
public class LockedAccountRedirect {
    static final String LOCKED = "atrium.sign-in-locked";

    void routes(@Observes Router router) {
        // Before the authentication handlers, which answer the form POST themselves.
        router.post("/j_security_check")
                .order(Integer.MIN_VALUE + 1)
                .handler(
                        ctx -> {
                            ctx.addHeadersEndHandler(
                                    ignored -> {
                                        String location =
                                                ctx.response().headers().get(HttpHeaders.LOCATION);
                                        if (Boolean.TRUE.equals(ctx.get(LOCKED))
                                                && location != null
                                                && location.endsWith("error=1")) {
                                            ctx.response()
                                                    .putHeader(
                                                            HttpHeaders.LOCATION,
                                                            location.substring(
                                                                            0,
                                                                            location.length() - 1)
                                                                    + "locked");
                                        }
                                    });
                            ctx.next();
                        });
    }
}
