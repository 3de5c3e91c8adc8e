package org.atrium.broker.desktop;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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

    @POST
    @Path("/{id}/reset")
    public void reset(@PathParam("id") UUID id) {
        desktops.reset(caller.get(), id);
    }
}
