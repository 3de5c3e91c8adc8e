package org.atrium.host.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.VmProblemException;
import org.atrium.host.vm.VmSupervisor;

/**
 * The host's snapshots by name: {@code GET} answers one, {@code DELETE} removes it with its disk
 * layers unless a VM or an image still uses it (409).
 */
@Path("/api/v1/snapshots")
@Produces(MediaType.APPLICATION_JSON)
public class SnapshotResource {
    private final VmSupervisor supervisor;
    private final SnapshotStore snapshots;

    public SnapshotResource(VmSupervisor supervisor, SnapshotStore snapshots) {
        this.supervisor = supervisor;
        this.snapshots = snapshots;
    }

    @GET
    @Path("{name}")
    public VmResource.SnapshotView get(@PathParam("name") String name) {
        return VmResource.SnapshotView.of(
                snapshots.find(name).orElseThrow(() -> VmProblemException.snapshotNotFound(name)));
    }

    /** Idempotent: a snapshot that is not there answers 204 as well. */
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        supervisor.deleteSnapshot(name);
        return Response.noContent().build();
    }
}
