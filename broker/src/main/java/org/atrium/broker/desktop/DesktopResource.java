package org.atrium.broker.desktop;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.auth.CurrentCaller;

/** Actions on the caller's own desktop. */
@Path("/api/v1/desktops")
public class DesktopResource {
    private final DesktopService desktops;
    private final CurrentCaller caller;

    public DesktopResource(DesktopService desktops, CurrentCaller caller) {
        this.desktops = desktops;
        this.caller = caller;
    }

    /** The desktops assigned to the caller. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<DesktopView> list() {
        return desktops.mine(caller.get());
    }

    @POST
    @Path("/{id}/reset")
    public void reset(@PathParam("id") UUID id) {
        desktops.reset(caller.get(), id);
    }
}
