package org.atrium.broker.host;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * Where hosts register and report. Authenticated by the shared registration secret, not by a user
 * session (these paths are public in the HTTP permission config).
 */
@Path("/api/v1/hosts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class HostResource {
    /** What a host learns when it registers. */
    public record Registered(String name, String state, long heartbeatTimeoutSeconds) {}

    private final HostService hosts;
    private final HostSecrets secrets;

    public HostResource(HostService hosts, HostSecrets secrets) {
        this.hosts = hosts;
        this.secrets = secrets;
    }

    @POST
    @Path("/register")
    public Registered register(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @NotNull @Valid HostRegistration registration) {
        secrets.requireRegistration(authorization);
        var host = hosts.register(registration);
        return new Registered(host.name, host.state.name(), hosts.heartbeatTimeout().toSeconds());
    }

    @POST
    @Path("/{name}/heartbeat")
    public void heartbeat(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("name") String name,
            @NotNull @Valid Heartbeat heartbeat) {
        secrets.requireRegistration(authorization);
        hosts.heartbeat(name, heartbeat);
    }
}
