package org.atrium.host.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.VmProblemException;
import org.atrium.host.vm.VmSupervisor;

/** The host control API (docs/architecture.md, "Host control API"). */
@Path("/api/v1/vms")
@Produces(MediaType.APPLICATION_JSON)
public class VmResource {
    private final VmSupervisor supervisor;

    public VmResource(VmSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("id") String id, CreateVmRequest body) {
        if (body == null) {
            throw new VmProblemException(400, "Invalid VM", "the body needs memoryMiB and boot");
        }
        var created = supervisor.create(id, body.toSpec());
        return Response.status(created.isNew() ? 201 : 200)
                .entity(VmView.of(created.vm(), supervisor))
                .build();
    }

    @GET
    public List<VmView> list() {
        return supervisor.list().stream().map(vm -> VmView.of(vm, supervisor)).toList();
    }

    @GET
    @Path("{id}")
    public VmView get(@PathParam("id") String id) {
        return VmView.of(
                supervisor.find(id).orElseThrow(() -> VmProblemException.notFound(id)), supervisor);
    }

    /** Starts a stopped VM again from its spec; a running VM answers as it is. */
    @POST
    @Path("{id}/start")
    public VmView start(@PathParam("id") String id) {
        return VmView.of(supervisor.start(id), supervisor);
    }

    /**
     * Saves the VM to the host's snapshot store: {@code {"name": "template"}}. Idempotent for the
     * same VM and name; snapshots are immutable.
     */
    @POST
    @Path("{id}/snapshot")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response snapshot(@PathParam("id") String id, SnapshotRequest body) {
        if (body == null || body.name() == null) {
            throw new VmProblemException(400, "Invalid snapshot", "the body needs name");
        }
        SnapshotStore.Entry entry = supervisor.snapshot(id, body.name());
        return Response.ok(SnapshotView.of(entry)).build();
    }

    /** Body of {@code POST /api/v1/vms/{id}/snapshot}. */
    public record SnapshotRequest(String name) {}

    /** A stored snapshot; {@code disks} names its disk layers in the image store. */
    public record SnapshotView(String name, String sourceVm, int memoryMiB, List<String> disks) {
        static SnapshotView of(SnapshotStore.Entry entry) {
            return new SnapshotView(
                    entry.name(), entry.sourceVm(), entry.memoryMiB(), entry.disks());
        }
    }

    @POST
    @Path("{id}/reset")
    public VmView reset(@PathParam("id") String id) {
        return VmView.of(supervisor.reset(id), supervisor);
    }

    @POST
    @Path("{id}/stop")
    public VmView stop(@PathParam("id") String id) {
        return VmView.of(supervisor.stop(id), supervisor);
    }

    /** Idempotent: deleting a VM that is not there answers 204 as well. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        supervisor.delete(id);
        return Response.noContent().build();
    }
}
