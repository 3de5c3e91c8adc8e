package org.atrium.host.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.atrium.host.vm.VmProblemException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure of the control API as problem+json, never a stack trace. */
public class ProblemMappers {
    private static final System.Logger LOG = System.getLogger(ProblemMappers.class.getName());

    @ServerExceptionMapper
    public Response vm(VmProblemException e) {
        return Problem.response(e.status(), e.title(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return Problem.response(
                400, "Malformed JSON", "the request body is not valid JSON for this call");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        return Problem.response(status, title, title);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.log(System.Logger.Level.ERROR, "control API failure", e);
        return Problem.response(500, "Internal error", "the host could not complete the request");
    }
}
