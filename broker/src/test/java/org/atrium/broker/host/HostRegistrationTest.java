package org.atrium.broker.host;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.atrium.broker.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Host registration and heartbeats: the shared secret, the registry and the DOWN rule. */
@QuarkusTest
class HostRegistrationTest {
    @Inject HostService hosts;
    @Inject HostRepository repository;
    @Inject Fixtures fixtures;

    private final List<String> registered = new ArrayList<>();

    /** These hosts do not exist: keep the reconciler of later tests from placing desktops there. */
    @AfterEach
    void retire() {
        registered.forEach(fixtures::retireHost);
    }

    private Map<String, Object> registration(String name) {
        registered.add(name);
        return Map.of(
                "name",
                name,
                "controlUrl",
                "http://127.0.0.1:1/",
                "capacity",
                Map.of("memoryMiB", 1024, "vms", 4));
    }

    @Test
    void registrationNeedsTheSecret() {
        String name = "h-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body(registration(name))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer wrong")
                .contentType(ContentType.JSON)
                .body(registration(name))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(401);
        assertTrue(hosts.find(name).isEmpty());

        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(registration(name))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(200)
                .body("name", equalTo(name))
                .body("state", equalTo("UP"));
        var host = hosts.find(name).orElseThrow();
        assertEquals("http://127.0.0.1:1", host.controlUrl);
        assertEquals(4, host.capacityVms);
    }

    @Test
    void theRfbWebSocketBaseIsTheControlUrlsUnlessTheHostNamesIt() {
        String plain = "h-" + UUID.randomUUID().toString().substring(0, 8);
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(registration(plain))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(200);
        assertEquals("ws://127.0.0.1:1", hosts.find(plain).orElseThrow().socketBase());

        String apart = "h-" + UUID.randomUUID().toString().substring(0, 8);
        var body = new HashMap<>(registration(apart));
        body.put("rfbUrl", "ws://127.0.0.1:8082/");
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(200);
        assertEquals("ws://127.0.0.1:8082", hosts.find(apart).orElseThrow().socketBase());
    }

    @Test
    void invalidRegistrationIsAProblem() {
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(Map.of("name", "bad name!", "controlUrl", "ftp://x", "capacity", Map.of()))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void heartbeatNeedsTheSecretAndAKnownHost() {
        String name = "h-" + UUID.randomUUID().toString().substring(0, 8);
        var beat = Map.of("vms", List.of(), "freeMemoryMiB", 512);
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(beat)
                .post("/api/v1/hosts/" + name + "/heartbeat")
                .then()
                .statusCode(404);
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(registration(name))
                .post("/api/v1/hosts/register");
        given().header("Authorization", "Bearer nope")
                .contentType(ContentType.JSON)
                .body(beat)
                .post("/api/v1/hosts/" + name + "/heartbeat")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(beat)
                .post("/api/v1/hosts/" + name + "/heartbeat")
                .then()
                .statusCode(204);
        assertEquals(512, hosts.find(name).orElseThrow().freeMemoryMiB);
    }

    @Test
    void silentHostGoesDownAndHeartbeatBringsItBack() {
        String name = "h-" + UUID.randomUUID().toString().substring(0, 8);
        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(registration(name))
                .post("/api/v1/hosts/register");
        QuarkusTransaction.requiringNew()
                .run(
                        () ->
                                repository.findById(name).lastHeartbeat =
                                        Instant.now().minusSeconds(3600));

        assertTrue(hosts.markSilentHostsDown().contains(name));
        assertEquals(HostState.DOWN, hosts.find(name).orElseThrow().state);

        given().header("Authorization", "Bearer test-registration-secret")
                .contentType(ContentType.JSON)
                .body(Map.of("vms", List.of(), "freeMemoryMiB", 100))
                .post("/api/v1/hosts/" + name + "/heartbeat")
                .then()
                .statusCode(204);
        assertEquals(HostState.UP, hosts.find(name).orElseThrow().state);
    }
}
