package org.atrium.host.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.atrium.host.vm.SnapshotStore;
import org.atrium.host.vm.VmSpec;
import org.atrium.host.vm.VmSupervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration against a small HTTP server playing the broker's side of the contract. */
class BrokerRegistrationTest {

    @Test
    void registersAfterTheBrokerComesUpThenSendsHeartbeats(@TempDir Path dir) throws Exception {
        BlockingQueue<String[]> requests = new LinkedBlockingQueue<>();
        AtomicInteger registerCalls = new AtomicInteger();
        HttpServer broker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        broker.createContext(
                "/api/v1/hosts",
                ex -> {
                    String path = ex.getRequestURI().getPath();
                    String body = new String(ex.getRequestBody().readAllBytes());
                    requests.add(
                            new String[] {
                                path, ex.getRequestHeaders().getFirst("Authorization"), body
                            });
                    // The broker is "starting" for the first two registration attempts.
                    int status =
                            path.endsWith("/register") && registerCalls.incrementAndGet() <= 2
                                    ? 503
                                    : 200;
                    ex.sendResponseHeaders(status, -1);
                    ex.close();
                });
        broker.start();
        // The broker places instant clones by the snapshots a host says it holds.
        SnapshotStore snapshots = new SnapshotStore(dir);
        for (String name : new String[] {"golden", "golden-2"}) {
            snapshots.save(name, "vm-t", 100, file -> write(file, name));
        }
        VmSupervisor supervisor =
                new VmSupervisor(
                        (id, spec) -> new SyntheticMachineFactory().create(id, spec),
                        1024,
                        8,
                        snapshots,
                        null);
        supervisor.create("vm-a", new VmSpec(100, "seabios"));
        try (HttpClient http = HttpClient.newHttpClient();
                BrokerRegistration registration =
                        new BrokerRegistration(
                                new BrokerRegistration.Settings(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + broker.getAddress().getPort()),
                                        "reg-secret",
                                        "host-7",
                                        URI.create("http://host-7:8081"),
                                        URI.create("ws://host-7:8082"),
                                        Duration.ofMillis(50),
                                        Duration.ofMillis(10)),
                                supervisor,
                                http)) {
            registration.start();
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < 3; i++) {
                String[] r = requests.poll(20, TimeUnit.SECONDS);
                assertEquals("/api/v1/hosts/register", r[0]);
                assertEquals("Bearer reg-secret", r[1]);
                JsonNode body = json.readTree(r[2]);
                assertEquals("host-7", body.path("name").asText());
                assertEquals("http://host-7:8081", body.path("controlUrl").asText());
                assertEquals("ws://host-7:8082", body.path("rfbUrl").asText());
                assertEquals(1024, body.path("capacity").path("memoryMiB").asInt());
                assertEquals(8, body.path("capacity").path("vms").asInt());
                assertEquals(2, body.path("snapshots").size(), "the snapshots it holds");
            }
            String[] beat = requests.poll(20, TimeUnit.SECONDS);
            assertEquals("/api/v1/hosts/host-7/heartbeat", beat[0]);
            JsonNode body = json.readTree(beat[2]);
            assertEquals("vm-a", body.path("vms").get(0).path("id").asText());
            assertEquals("RUNNING", body.path("vms").get(0).path("state").asText());
            assertEquals(924, body.path("freeMemoryMiB").asInt());
            assertEquals(
                    java.util.Set.of("golden", "golden-2"),
                    java.util.Set.of(
                            body.path("snapshots").get(0).asText(),
                            body.path("snapshots").get(1).asText()));
            assertTrue(registration.registered());
        } finally {
            broker.stop(0);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
