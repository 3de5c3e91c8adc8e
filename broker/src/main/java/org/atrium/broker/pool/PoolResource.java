package org.atrium.broker.pool;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.atrium.broker.auth.CurrentCaller;
import org.atrium.broker.metrics.BrokerMetrics;
import org.atrium.broker.session.Connection;
import org.atrium.broker.session.SessionService;

/** The pools the caller may use, and connecting to one. */
@Path("/api/v1/pools")
@Produces(MediaType.APPLICATION_JSON)
public class PoolResource {
    private final PoolCatalogService catalog;
    private final SessionService sessions;
    private final CurrentCaller caller;
    private final BrokerMetrics metrics;

    public PoolResource(
            PoolCatalogService catalog,
            SessionService sessions,
            CurrentCaller caller,
            BrokerMetrics metrics) {
        this.catalog = catalog;
        this.sessions = sessions;
        this.caller = caller;
        this.metrics = metrics;
    }

    @GET
    public List<PoolView> list() {
        return catalog.entitled(caller.get());
    }

    @POST
    @Path("/{poolId}/connect")
    public Connection connect(@PathParam("poolId") UUID poolId) {
        var who = caller.get();
        // Timed around the whole transaction, commit included.
        return metrics.assignment().record(() -> sessions.connect(who, poolId));
    }
}
