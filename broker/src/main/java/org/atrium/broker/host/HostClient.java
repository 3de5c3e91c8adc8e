package org.atrium.broker.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.config.BrokerConfig;

/** Calls a host's control API (docs/architecture.md) with the control secret. */
@ApplicationScoped
public class HostClient {
    /** A VM as the host reports it. */
    /**
     * A VM as its host reports it; {@code guestReady} is null from a host that does not say whether
     * the guest is up.
     */
    public record VmStatus(String id, String state, Boolean guestReady) {}

    private final HttpClient http;
    private final ObjectMapper json;
    private final HostSecrets secrets;
    private final BrokerConfig config;

    public HostClient(ObjectMapper json, HostSecrets secrets, BrokerConfig config) {
        this.json = json;
        this.secrets = secrets;
        this.config = config;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(config.hosts().callTimeout())
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
    }

    /**
     * The snapshot a VM of boot source {@code bootSource} is an instant clone of ({@code
     * {"snapshot": "NAME"}}), if it is one: only a host that holds it can create the VM.
     */
    public Optional<String> snapshotOf(String bootSource) {
        try {
            JsonNode snapshot = json.readTree(bootSource).get("snapshot");
            return snapshot != null && snapshot.isTextual()
                    ? Optional.of(snapshot.asText())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code PUT /api/v1/vms/{id}}: create and start (idempotent on the host). */
    public void createVm(String controlUrl, UUID vmId, int memoryMiB, String bootSource) {
        try {
            var body = json.createObjectNode();
            body.put("memoryMiB", memoryMiB);
            body.set("boot", json.readTree(bootSource));
            send(
                    request(controlUrl, vmId, "")
                            .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                            .header("Content-Type", "application/json")
                            .build());
        } catch (IOException e) {
            throw ProblemException.badGateway("bad boot source: " + e.getMessage());
        }
    }

    /** {@code GET /api/v1/vms/{id}}; empty when the host does not know the VM. */
    public Optional<VmStatus> vm(String controlUrl, UUID vmId) {
        var response = send(request(controlUrl, vmId, "").GET().build(), 404);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(response.body());
            JsonNode guestReady = node.path("guestReady");
            return Optional.of(
                    new VmStatus(
                            node.path("id").asText(),
                            node.path("state").asText(),
                            guestReady.isBoolean() ? guestReady.asBoolean() : null));
        } catch (IOException e) {
            throw ProblemException.badGateway("host answered unreadable VM status");
        }
    }

    public void resetVm(String controlUrl, UUID vmId) {
        send(request(controlUrl, vmId, "/reset").POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** {@code DELETE /api/v1/vms/{id}}; a VM already gone counts as deleted. */
    public void deleteVm(String controlUrl, UUID vmId) {
        send(request(controlUrl, vmId, "").DELETE().build(), 404);
    }

    /** The host's RFB WebSocket for a VM below the host's WebSocket base. */
    public static URI vmSocket(String socketBase, UUID vmId, String token) {
        return URI.create(
                socketBase
                        + "/ws/vms/"
                        + vmId
                        + "?token="
                        + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String controlUrl, UUID vmId, String suffix) {
        return HttpRequest.newBuilder(URI.create(controlUrl + "/api/v1/vms/" + vmId + suffix))
                .timeout(config.hosts().callTimeout())
                .header("Authorization", "Bearer " + secrets.control())
                .header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest request, int... alsoAccepted) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ProblemException.badGateway(
                    "host unreachable: " + request.method() + " " + request.uri().getPath());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted while calling a host");
        }
        int status = response.statusCode();
        for (int accepted : alsoAccepted) {
            if (status == accepted) {
                return response;
            }
        }
        if (status / 100 != 2) {
            throw ProblemException.badGateway(
                    "host answered "
                            + status
                            + " to "
                            + request.method()
                            + " "
                            + request.uri().getPath());
        }
        return response;
    }
}
