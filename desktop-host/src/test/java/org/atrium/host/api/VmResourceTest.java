package org.atrium.host.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.atrium.emulator.machine.DecodedBlocks;
import org.atrium.host.HostConfig;
import org.atrium.host.vm.MachineTuning;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VmResourceTest {
    static final String AUTH = "Bearer test-control-secret";

    @Inject RfbEndpoint endpoint;
    @Inject SyntheticMachineFactory machines;
    @Inject HostConfig config;

    private static RequestSpecification api() {
        return given().header("Authorization", AUTH);
    }

    private static String body(int memory) {
        return "{\"memoryMiB\": " + memory + ", \"boot\": {\"firmware\": \"seabios\"}}";
    }

    @Test
    void theHostRunsItsCpusFromDecodedBlocksOnlyWhileBusyByDefault() {
        // atrium.host.cpu-decoded-blocks defaults to when-busy (hyphenated in the property, as
        // Quarkus spells enum values): the emulator's own default is always.
        assertEquals(DecodedBlocks.WHEN_BUSY, config.cpuDecodedBlocks());
    }

    @Test
    void theHostsDefaultsAreTheFactorysDefaults() {
        // "16ms" in the property's default must parse, and mean what MachineTuning says.
        assertEquals(
                MachineTuning.HOST_DEFAULT,
                new MachineTuning(config.cpuDecodedBlocks(), config.idleTimerSlack()));
        assertFalse(config.linux().commandLine().contains("highres=off"), "ADR 19");
    }

    @Test
    void everyCallNeedsTheControlSecret() {
        given().get("/api/v1/vms")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").get("/api/v1/vms").then().statusCode(401);
    }

    @Test
    void createIsIdempotentAndConflictsOnAnotherConfig() {
        api().contentType(ContentType.JSON)
                .body(body(32))
                .put("/api/v1/vms/idem")
                .then()
                .statusCode(201)
                .body("id", equalTo("idem"))
                .body("state", equalTo("RUNNING"))
                .body("width", equalTo(320))
                .body("height", equalTo(200));
        api().contentType(ContentType.JSON)
                .body(body(32))
                .put("/api/v1/vms/idem")
                .then()
                .statusCode(200)
                .body("id", equalTo("idem"));
        api().contentType(ContentType.JSON)
                .body(body(64))
                .put("/api/v1/vms/idem")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("VM exists with another configuration"));
        api().get("/api/v1/vms").then().statusCode(200).body("id", hasItem("idem"));
        api().delete("/api/v1/vms/idem").then().statusCode(204);
        api().delete("/api/v1/vms/idem").then().statusCode(204);
        api().get("/api/v1/vms/idem")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void resetAndStopReachTheMachine() {
        api().contentType(ContentType.JSON)
                .body(body(16))
                .put("/api/v1/vms/life")
                .then()
                .statusCode(201);
        var machine = machines.last();
        api().post("/api/v1/vms/life/reset")
                .then()
                .statusCode(200)
                .body("state", equalTo("RUNNING"));
        assertEquals(1, machine.resets);
        api().post("/api/v1/vms/life/stop")
                .then()
                .statusCode(200)
                .body("state", equalTo("STOPPED"));
        api().post("/api/v1/vms/life/reset").then().statusCode(409);
        api().post("/api/v1/vms/nothing/stop").then().statusCode(404);
        api().delete("/api/v1/vms/life").then().statusCode(204);
    }

    @Test
    void admissionRefusesMoreGuestMemoryThanTheHostHas() {
        // %test.atrium.host.max-guest-memory is 512M.
        api().contentType(ContentType.JSON)
                .body(body(400))
                .put("/api/v1/vms/big1")
                .then()
                .statusCode(201);
        api().contentType(ContentType.JSON)
                .body(body(200))
                .put("/api/v1/vms/big2")
                .then()
                .statusCode(507)
                .contentType("application/problem+json")
                .body("detail", containsString("200 MiB"));
        // Stopped VMs hold no memory.
        api().post("/api/v1/vms/big1/stop").then().statusCode(200);
        api().contentType(ContentType.JSON)
                .body(body(200))
                .put("/api/v1/vms/big2")
                .then()
                .statusCode(201);
        api().delete("/api/v1/vms/big1").then().statusCode(204);
        api().delete("/api/v1/vms/big2").then().statusCode(204);
    }

    @Test
    void badRequestsAreProblemsWithoutStackTraces() {
        api().contentType(ContentType.JSON)
                .body("{\"memoryMiB\": ")
                .put("/api/v1/vms/x")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(not(containsString("at org.")));
        api().contentType(ContentType.JSON)
                .body("{}")
                .put("/api/v1/vms/x")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        api().contentType(ContentType.JSON)
                .body(body(16))
                .put("/api/v1/vms/bad%20id")
                .then()
                .statusCode(400)
                .body("title", equalTo("Invalid VM id"));
        api().contentType(ContentType.JSON)
                .body("{\"memoryMiB\": 16, \"boot\": {\"firmware\": \"ovmf\"}}")
                .put("/api/v1/vms/x")
                .then()
                .statusCode(400)
                .body("title", equalTo("Unsupported boot source"));
    }

    private URI ws(String vm, String token) {
        return URI.create(
                "ws://127.0.0.1:"
                        + endpoint.address().getPort()
                        + "/ws/vms/"
                        + vm
                        + "?token="
                        + token);
    }

    /** Opens the WebSocket; the first binary message, or the handshake's HTTP status as text. */
    private String open(URI uri) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        try (HttpClient client = HttpClient.newHttpClient()) {
            WebSocket socket;
            try {
                socket =
                        client.newWebSocketBuilder()
                                .buildAsync(
                                        uri,
                                        new WebSocket.Listener() {
                                            @Override
                                            public CompletionStage<?> onBinary(
                                                    WebSocket ws, ByteBuffer data, boolean last) {
                                                byte[] b = new byte[data.remaining()];
                                                data.get(b);
                                                first.complete(
                                                        new String(b, StandardCharsets.US_ASCII));
                                                return null;
                                            }
                                        })
                                .get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException h) {
                    return "HTTP " + h.getResponse().statusCode();
                }
                throw e;
            }
            String greeting = first.get(20, TimeUnit.SECONDS);
            socket.abort();
            return greeting;
        }
    }

    @Test
    void webSocketNeedsAValidTokenForThisVmAndHost() throws Exception {
        api().contentType(ContentType.JSON)
                .body(body(16))
                .put("/api/v1/vms/desk")
                .then()
                .statusCode(201);
        long now = System.currentTimeMillis() / 1000;
        var broker = TestKeySource.BROKER;
        String good = broker.token("desk", "host-test", "jti-ok", now - 1, now + 30);
        assertEquals("RFB 003.008\n", open(ws("desk", good)));
        assertEquals("HTTP 401", open(ws("desk", good)), "replayed");
        assertEquals(
                "HTTP 401",
                open(ws("desk", broker.token("desk", "host-test", "jti-exp", now - 70, now - 10))),
                "expired");
        assertEquals(
                "HTTP 401",
                open(ws("desk", broker.token("other", "host-test", "jti-vm", now, now + 30))),
                "wrong VM");
        assertEquals(
                "HTTP 401",
                open(ws("desk", broker.token("desk", "host-other", "jti-host", now, now + 30))),
                "wrong host");
        var forger = new org.atrium.host.token.TestTokens(broker.kid);
        assertEquals(
                "HTTP 401",
                open(ws("desk", forger.token("desk", "host-test", "jti-forged", now, now + 30))),
                "forged");
        // alg=none over the broker's own claims, and a key the broker never published.
        String claims =
                broker.token("desk", "host-test", "jti-none", now, now + 30).split("\\.")[1];
        String none =
                org.atrium.host.token.TestTokens.b64(
                                ("{\"alg\":\"none\",\"kid\":\"" + broker.kid + "\"}")
                                        .getBytes(StandardCharsets.UTF_8))
                        + "."
                        + claims
                        + ".";
        assertEquals("HTTP 401", open(ws("desk", none)), "alg=none");
        var stranger = new org.atrium.host.token.TestTokens("unpublished-kid");
        assertEquals(
                "HTTP 401",
                open(ws("desk", stranger.token("desk", "host-test", "jti-kid", now, now + 30))),
                "unknown kid");
        // A valid token for a VM that is not here: refused after the token check.
        String ghost = broker.token("ghost", "host-test", "jti-ghost", now, now + 30);
        assertEquals("HTTP 404", open(ws("ghost", ghost)));
        assertTrue(
                open(URI.create("ws://127.0.0.1:" + endpoint.address().getPort() + "/other"))
                        .startsWith("HTTP 404"));
        api().delete("/api/v1/vms/desk").then().statusCode(204);
    }

    @Test
    void readyOnceTheRfbListenerIsBound() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("rfb-websocket"))
                .body(
                        "checks.find { it.name == 'rfb-websocket' }.data.port",
                        equalTo(endpoint.address().getPort()));
    }

    @Test
    void deletingAVmClosesItsRfbClients() throws Exception {
        api().contentType(ContentType.JSON)
                .body(body(16))
                .put("/api/v1/vms/gone")
                .then()
                .statusCode(201);
        long now = System.currentTimeMillis() / 1000;
        String token = TestKeySource.BROKER.token("gone", "host-test", "jti-gone", now, now + 30);
        java.util.concurrent.BlockingQueue<Byte> received =
                new java.util.concurrent.LinkedBlockingQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        try (HttpClient client = HttpClient.newHttpClient()) {
            WebSocket socket =
                    client.newWebSocketBuilder()
                            .buildAsync(
                                    ws("gone", token),
                                    new WebSocket.Listener() {
                                        @Override
                                        public CompletionStage<?> onBinary(
                                                WebSocket w, ByteBuffer data, boolean last) {
                                            while (data.hasRemaining()) received.add(data.get());
                                            w.request(1);
                                            return null;
                                        }

                                        @Override
                                        public CompletionStage<?> onClose(
                                                WebSocket w, int status, String reason) {
                                            closed.complete("close " + status);
                                            return null;
                                        }

                                        @Override
                                        public void onError(WebSocket w, Throwable error) {
                                            closed.complete("error " + error);
                                        }
                                    })
                            .get(20, TimeUnit.SECONDS);
            try {
                // A full handshake, so that the pre-authentication timeout cannot be what closes
                // it.
                take(received, 12);
                socket.sendBinary(
                                ByteBuffer.wrap(
                                        "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)),
                                true)
                        .get();
                take(received, 2);
                socket.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get();
                take(received, 4);
                socket.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get();
                byte[] serverInit = take(received, 24 + "gone".length());
                assertEquals(320, ((serverInit[0] & 0xff) << 8) | (serverInit[1] & 0xff));
                assertTrue(!closed.isDone(), "open after the handshake");
                api().delete("/api/v1/vms/gone").then().statusCode(204);
                // The server closing the socket ends the client with a Close frame or an error.
                closed.get(20, TimeUnit.SECONDS);
            } finally {
                socket.abort(); // an open WebSocket would keep HttpClient.close() waiting
            }
        }
    }

    private static byte[] take(java.util.concurrent.BlockingQueue<Byte> queue, int n)
            throws InterruptedException {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            Byte b = queue.poll(20, TimeUnit.SECONDS);
            if (b == null) throw new AssertionError("only " + i + " of " + n + " bytes arrived");
            out[i] = b;
        }
        return out;
    }
}
