package org.atrium.host.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.VmProblemException;
import org.atrium.host.vm.VmSupervisor;

/**
 * The host's snapshots: {@code GET} lists them, the most recent first, or answers one by name;
 * {@code DELETE} removes one with its disk layers unless a VM or an image still uses it (409).
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

    /** Every stored snapshot, the most recently written first. */
    @GET
    public List<VmResource.SnapshotView> list() {
        // One deleted between the listing and its lookup is left out.
        return snapshots.names().stream()
                .flatMap(name -> snapshots.find(name).stream())
                .map(VmResource.SnapshotView::of)
                .toList();
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
