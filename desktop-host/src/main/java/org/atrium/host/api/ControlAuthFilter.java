package org.atrium.host.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.atrium.host.HostConfig;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** The control API is for the broker only: every call carries the control secret as a bearer. */
public class ControlAuthFilter {
    private final byte[] secret;

    public ControlAuthFilter(HostConfig config) {
        this.secret = ("Bearer " + config.controlSecret()).getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter
    public jakarta.ws.rs.core.Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) return null;
        String header = request.getHeaderString("Authorization");
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(secret, given)) return null;
        return Problem.response(
                401,
                "Unauthorized",
                "the control API needs Authorization: Bearer <control secret>");
    }
}
