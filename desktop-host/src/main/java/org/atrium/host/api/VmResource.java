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
import org.atrium.host.vm.VmProblemException;
import org.atrium.host.vm.VmSpec;
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
        if (body == null
                || body.memoryMiB() == null
                || body.boot() == null
                || (body.boot().firmware() == null) == (body.boot().linux() == null)) {
            throw new VmProblemException(
                    400,
                    "Invalid VM",
                    "the body needs memoryMiB and one of boot.firmware and boot.linux");
        }
        var created =
                supervisor.create(
                        id,
                        new VmSpec(body.memoryMiB(), body.boot().firmware(), body.boot().linux()));
        return Response.status(created.isNew() ? 201 : 200).entity(VmView.of(created.vm())).build();
    }

    @GET
    public List<VmView> list() {
        return supervisor.list().stream().map(VmView::of).toList();
    }

    @GET
    @Path("{id}")
    public VmView get(@PathParam("id") String id) {
        return VmView.of(supervisor.find(id).orElseThrow(() -> VmProblemException.notFound(id)));
    }

    @POST
    @Path("{id}/reset")
    public VmView reset(@PathParam("id") String id) {
        return VmView.of(supervisor.reset(id));
    }

    @POST
    @Path("{id}/stop")
    public VmView stop(@PathParam("id") String id) {
        return VmView.of(supervisor.stop(id));
    }

    /** Idempotent: deleting a VM that is not there answers 204 as well. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        supervisor.delete(id);
        return Response.noContent().build();
    }
}
