package org.atrium.broker.session;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.auth.CurrentCaller;

/** The caller's sessions. */
@Path("/api/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {
    private final SessionService sessions;
    private final CurrentCaller caller;

    public SessionResource(SessionService sessions, CurrentCaller caller) {
        this.sessions = sessions;
        this.caller = caller;
    }

    @GET
    public List<SessionView> list() {
        return sessions.list(caller.get());
    }

    @GET
    @Path("/{id}")
    public SessionView get(@PathParam("id") UUID id) {
        return sessions.get(caller.get(), id);
    }

    @POST
    @Path("/{id}/disconnect")
    public SessionView disconnect(@PathParam("id") UUID id) {
        return sessions.disconnect(caller.get(), id);
    }

    @POST
    @Path("/{id}/logoff")
    public SessionView logoff(@PathParam("id") UUID id) {
        return sessions.logoff(caller.get(), id);
    }
}
