package org.atrium.broker.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The packaged broker ({@code target/quarkus-app/quarkus-run.jar}) run as a separate process on a
 * state directory, so a test can SIGKILL it and start it again on the same embedded database.
 */
final class BrokerProcess implements AutoCloseable {
    static final String REGISTRATION_SECRET = "it-registration-secret";
    static final String CONTROL_SECRET = "it-control-secret";
    private static final Pattern PG_PORT =
            Pattern.compile("embedded PostgreSQL listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Path stateDir;
    private final int port;
    private final Path log;
    private final Process process;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
    private final ObjectMapper json = new ObjectMapper();

    private BrokerProcess(Path stateDir, int port, Path log, Process process) {
        this.stateDir = stateDir;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts the broker and waits until it is ready. */
    static BrokerProcess start(Path stateDir, int port, String logName) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the package phase first");
        }
        Files.createDirectories(stateDir);
        Path log = stateDir.resolveSibling(logName);
        var builder =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx512m",
                                // As every launcher of the broker: fast password hashing.
                                "--add-opens",
                                "java.base/sun.security.provider=ALL-UNNAMED",
                                "-jar",
                                jar.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("ATRIUM_STATE_DIR", stateDir.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("ATRIUM_HOSTS_REGISTRATION_SECRET", REGISTRATION_SECRET);
        env.put("ATRIUM_HOSTS_CONTROL_SECRET", CONTROL_SECRET);
        env.put("ATRIUM_RECONCILER_INTERVAL", "1s");
        var broker = new BrokerProcess(stateDir, port, log, builder.start());
        broker.awaitReady(Duration.ofSeconds(180));
        return broker;
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited; see " + log);
            }
            try {
                var response =
                        http.send(
                                HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("broker not ready in " + timeout + "; see " + log);
    }

    /** SIGKILL: no shutdown hook runs, open transactions die with their connections. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then SIGKILL if it does not stop, then the database it may have left running. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(Duration.ofSeconds(60))) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    /** Stops a PostgreSQL server a killed broker left behind in the state directory. */
    static void stopOrphanedDatabase(Path stateDir) throws Exception {
        Path pidFile = stateDir.resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        Optional<ProcessHandle> server =
                ProcessHandle.of(pid)
                        .filter(
                                h ->
                                        h.info()
                                                .command()
                                                .map(c -> c.endsWith("postgres"))
                                                .orElse(false));
        if (server.isPresent()) {
            server.get().destroy();
            server.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** A JDBC connection to the broker's embedded database (port read from the broker's log). */
    Connection sql() throws IOException, SQLException {
        var matcher = PG_PORT.matcher(Files.readString(log));
        String pgPort = null;
        while (matcher.find()) {
            pgPort = matcher.group(1);
        }
        if (pgPort == null) {
            throw new IllegalStateException("no PostgreSQL port in " + log);
        }
        var props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "postgres");
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", props);
    }

    Properties demoCredentials() throws IOException {
        var properties = new Properties();
        try (var reader = Files.newBufferedReader(stateDir.resolve("demo-credentials.txt"))) {
            properties.load(reader);
        }
        return properties;
    }

    /** Signs in through the form and returns the session cookie ("name=value"). */
    String signIn(String username, String password) throws Exception {
        String form =
                "j_username="
                        + URLEncoder.encode(username, StandardCharsets.UTF_8)
                        + "&j_password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8);
        var response =
                http.send(
                        HttpRequest.newBuilder(URI.create(base() + "/j_security_check"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        List<String> cookies = response.headers().allValues("set-cookie");
        for (String cookie : cookies) {
            if (cookie.startsWith("quarkus-credential=")) {
                return cookie.substring(0, cookie.indexOf(';'));
            }
        }
        throw new IllegalStateException(
                "sign-in of " + username + " failed: " + response.statusCode());
    }

    /** An API answer: status and parsed body (null when empty). */
    record Answer(int status, JsonNode body) {}

    Answer call(String method, String path, String cookie, Object body) throws Exception {
        var builder =
                HttpRequest.newBuilder(URI.create(base() + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", "application/json");
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json");
            if (body instanceof String text) {
                builder.method(method, HttpRequest.BodyPublishers.ofString(text));
            } else {
                builder.method(
                        method,
                        HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = response.body().isEmpty() ? null : json.readTree(response.body());
        return new Answer(response.statusCode(), node);
    }

    Answer registerHost(String name, String controlUrl, int vms) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("controlUrl", controlUrl);
        body.put("capacity", Map.of("memoryMiB", 1_000_000, "vms", vms));
        var request =
                HttpRequest.newBuilder(URI.create(base() + "/api/v1/hosts/register"))
                        .header("Authorization", "Bearer " + REGISTRATION_SECRET)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                        .build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    /** Reports the host's VMs as a heartbeat; errors are returned, not thrown. */
    int heartbeat(String name, Map<String, String> vms) {
        try {
            var reports =
                    vms.entrySet().stream()
                            .map(e -> Map.of("id", e.getKey(), "state", e.getValue()))
                            .toList();
            var request =
                    HttpRequest.newBuilder(
                                    URI.create(base() + "/api/v1/hosts/" + name + "/heartbeat"))
                            .header("Authorization", "Bearer " + REGISTRATION_SECRET)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(10))
                            .POST(
                                    HttpRequest.BodyPublishers.ofByteArray(
                                            json.writeValueAsBytes(
                                                    Map.of(
                                                            "vms",
                                                            reports,
                                                            "freeMemoryMiB",
                                                            1_000_000))))
                            .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
