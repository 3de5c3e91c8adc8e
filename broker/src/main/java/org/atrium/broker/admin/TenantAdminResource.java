package org.atrium.broker.admin;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.audit.AuditLog;
import org.atrium.broker.audit.AuditView;
import org.atrium.broker.auth.CurrentCaller;
import org.atrium.broker.desktop.DesktopService;
import org.atrium.broker.desktop.DesktopView;
import org.atrium.broker.session.SessionService;
import org.atrium.broker.session.SessionView;
import org.atrium.provisioning.pool.PoolDefinition;
import org.jboss.resteasy.reactive.ResponseStatus;

/** The tenant admin's API: pools, users, desktops, sessions and the audit log of their tenant. */
@Path("/api/v1/admin")
@RolesAllowed("tenant-admin")
@Produces(MediaType.APPLICATION_JSON)
public class TenantAdminResource {
    private final TenantAdminService admin;
    private final DesktopService desktops;
    private final SessionService sessions;
    private final AuditLog audit;
    private final CurrentCaller caller;

    public TenantAdminResource(
            TenantAdminService admin,
            DesktopService desktops,
            SessionService sessions,
            AuditLog audit,
            CurrentCaller caller) {
        this.admin = admin;
        this.desktops = desktops;
        this.sessions = sessions;
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    @Path("/pools")
    public List<AdminPoolView> pools() {
        return admin.pools(caller.get());
    }

    @POST
    @Path("/pools")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public AdminPoolView define(@NotNull PoolDefinition definition) {
        return admin.define(caller.get(), definition);
    }

    @GET
    @Path("/pools/{id}")
    public AdminPoolView pool(@PathParam("id") UUID id) {
        return admin.pool(caller.get(), id);
    }

    @PUT
    @Path("/pools/{id}/capacity")
    @Consumes(MediaType.APPLICATION_JSON)
    public AdminPoolView resize(
            @PathParam("id") UUID id, @NotNull @Valid AdminRequests.Capacity capacity) {
        return admin.resize(caller.get(), id, capacity);
    }

    @POST
    @Path("/users")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public UserView createUser(@NotNull @Valid AdminRequests.NewUser user) {
        return admin.createUser(caller.get(), user);
    }

    @GET
    @Path("/desktops")
    public List<DesktopView> desktops() {
        return desktops.listInTenant(caller.get());
    }

    @GET
    @Path("/sessions")
    public List<SessionView> sessions() {
        return sessions.listLiveInTenant(caller.get());
    }

    /** The newest audit events of the tenant, newest first. */
    @GET
    @Path("/audit")
    public List<AuditView> audit(@QueryParam("limit") @DefaultValue("100") int limit) {
        return audit.list(caller.get().tenantId(), limit);
    }
}
