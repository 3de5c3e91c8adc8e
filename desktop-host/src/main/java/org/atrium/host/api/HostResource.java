package org.atrium.host.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.atrium.host.vm.ResourceMeter;

/** This host's capacity and what its VMs use: {@code GET /api/v1/host}. */
@Path("/api/v1/host")
@Produces(MediaType.APPLICATION_JSON)
public class HostResource {
    private final ResourceMeter meter;

    public HostResource(ResourceMeter meter) {
        this.meter = meter;
    }

    @GET
    public ResourceMeter.HostUsage usage() {
        return meter.sample();
    }
}
