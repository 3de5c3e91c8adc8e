package org.atrium.broker.admin;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.auth.CurrentCaller;
import org.jboss.resteasy.reactive.ResponseStatus;

/** The platform admin's API: tenants and hosts. */
@Path("/api/v1/platform")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class PlatformAdminResource {
    private final PlatformAdminService platform;
    private final CurrentCaller caller;

    public PlatformAdminResource(PlatformAdminService platform, CurrentCaller caller) {
        this.platform = platform;
        this.caller = caller;
    }

    @GET
    @Path("/tenants")
    public List<PlatformAdminService.TenantView> tenants() {
        caller.get(); // an identity without an account (no tenant) gets 401
        return platform.tenants();
    }

    @POST
    @Path("/tenants")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public PlatformAdminService.TenantView createTenant(
            @NotNull @Valid AdminRequests.NewTenant tenant) {
        return platform.createTenant(caller.get(), tenant);
    }

    @GET
    @Path("/tenants/{id}")
    public PlatformAdminService.TenantView tenant(@PathParam("id") UUID id) {
        caller.get();
        return platform.tenant(id);
    }

    @POST
    @Path("/tenants/{id}/admins")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public UserView createTenantAdmin(
            @PathParam("id") UUID id, @NotNull @Valid AdminRequests.NewAdmin admin) {
        return platform.createTenantAdmin(caller.get(), id, admin);
    }

    @GET
    @Path("/hosts")
    public List<PlatformAdminService.HostView> hosts() {
        caller.get();
        return platform.hosts();
    }

    @GET
    @Path("/hosts/{name}")
    public PlatformAdminService.HostView host(@PathParam("name") String name) {
        caller.get();
        return platform.host(name);
    }
}
