package org.atrium.broker.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The last route for {@code /api/*}: a path no resource serves answers a 404 problem detail instead
 * of falling through to the static pages' plain 404.
 */
@ApplicationScoped
public class ApiFallback {
    private final ObjectMapper json;

    public ApiFallback(ObjectMapper json) {
        this.json = json;
    }

    void routes(@Observes Router router) {
        router.route("/api/*")
                .order(Integer.MAX_VALUE)
                .handler(
                        ctx -> {
                            if (ctx.response().ended()) {
                                return;
                            }
                            String body;
                            try {
                                body =
                                        json.writeValueAsString(
                                                Problem.of(
                                                        404,
                                                        "Not Found",
                                                        "no API resource at "
                                                                + ctx.normalizedPath()));
                            } catch (JsonProcessingException e) {
                                body = "";
                            }
                            ctx.response()
                                    .setStatusCode(404)
                                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                                    .end(body);
                        });
    }
}
