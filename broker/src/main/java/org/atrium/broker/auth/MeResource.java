package org.atrium.broker.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.atrium.provisioning.tenant.TenantService;

/** Who the caller is. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {
    /** The signed-in user; {@code tenant} is the tenant's short name. */
    public record Me(String username, String tenant, List<String> roles) {}

    private final CurrentCaller caller;
    private final TenantService tenants;

    public MeResource(CurrentCaller caller, TenantService tenants) {
        this.caller = caller;
        this.tenants = tenants;
    }

    @GET
    public Me me() {
        Caller me = caller.get();
        String tenant = tenants.findById(me.tenantId()).map(t -> t.name).orElse("");
        return new Me(me.username(), tenant, me.roles().stream().sorted().toList());
    }
}
