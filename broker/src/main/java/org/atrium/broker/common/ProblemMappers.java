package org.atrium.broker.common;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of the REST API into a problem detail; stack traces stay in the log. No
 * mapper for {@code AuthenticationFailedException}: Quarkus would apply it to the sign-in form too
 * and replace the redirect to the error page.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return answer(Problem.of(e.status(), e.title(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e) {
        return answer(Problem.of(400, "Bad Request", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String detail =
                e.getConstraintViolations().stream()
                        .map(v -> v.getPropertyPath() + " " + v.getMessage())
                        .sorted()
                        .collect(Collectors.joining("; "));
        return answer(Problem.of(400, "Bad Request", detail));
    }

    /** A body that is not JSON, or JSON of the wrong shape: the caller's mistake, not ours. */
    @ServerExceptionMapper
    public Response unreadable(JsonParseException e) {
        return answer(Problem.of(400, "Bad Request", "the body is not valid JSON"));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field =
                e.getPath().stream()
                        .map(
                                r ->
                                        r.getFieldName() == null
                                                ? "[" + r.getIndex() + "]"
                                                : r.getFieldName())
                        .collect(Collectors.joining("."));
        return answer(
                Problem.of(
                        400,
                        "Bad Request",
                        field.isEmpty()
                                ? "the body does not have the expected shape"
                                : "field " + field + " has the wrong type or is missing"));
    }

    @ServerExceptionMapper
    public Response otherJson(JsonProcessingException e) {
        return answer(Problem.of(400, "Bad Request", "the body could not be read as JSON"));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return answer(Problem.of(401, "Unauthorized", "sign in first"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return answer(Problem.of(403, "Forbidden", "you may not do this"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        var reason = Response.Status.fromStatusCode(status);
        String title = reason == null ? "Error" : reason.getReasonPhrase();
        return answer(Problem.of(status, title, e.getMessage()));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure", e);
        return answer(Problem.of(500, "Internal Server Error", "unexpected failure; see the log"));
    }

    private static Response answer(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
