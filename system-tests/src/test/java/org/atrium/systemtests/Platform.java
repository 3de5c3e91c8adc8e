package org.atrium.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The single-node platform started exactly as a person starts it: {@code ./atrium up}, here with
 * its own state directory and free ports so that it never meets a developer's running instance.
 */
final class Platform implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofMinutes(4);

    /**
     * Settings for a demo pool of SeaBIOS desktops instead of the Debian guest: for tests that
     * watch the firmware or need no guest at all (it boots in seconds and then idles).
     */
    static final Map<String, String> FIRMWARE_DEMO =
            Map.of(
                    "ATRIUM_BOOTSTRAP_DEMO_BOOT_SOURCE", "{\"firmware\":\"seabios\"}",
                    "ATRIUM_BOOTSTRAP_DEMO_MEMORY_MIB", "32");

    private final Path root;
    private final Path stateDir;
    private final int port;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private Platform(Path root, Path stateDir, int port, Process process) {
        this.root = root;
        this.stateDir = stateDir;
        this.port = port;
        this.process = process;
        Thread.ofVirtual().start(this::collectOutput);
    }

    /** The repository root, handed in by the build. */
    static Path root() {
        return Path.of(System.getProperty("atrium.root", "..")).toAbsolutePath().normalize();
    }

    /** Where screenshots and logs of a run are kept. */
    static Path artifacts() {
        Path dir = Path.of(System.getProperty("atrium.artifacts", "target/artifacts"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code ./atrium up} on fresh ports with the given state directory; does not wait. */
    static Platform launch(Path stateDir) throws IOException {
        return launch(stateDir, Map.of());
    }

    /**
     * Like {@link #launch(Path)} with extra environment variables, e.g. broker and host settings
     * ({@code ATRIUM_BOOTSTRAP_DEMO_BOOT_SOURCE}). The test's own environment is passed on, so
     * {@code ATRIUM_GUEST_CACHE} reaches the guest build.
     */
    static Platform launch(Path stateDir, Map<String, String> extraEnv) throws IOException {
        int port = freePort();
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("ATRIUM_STATE_DIR", stateDir.toString());
        env.put("ATRIUM_PORT", Integer.toString(port));
        env.put("ATRIUM_HOST_PORT", Integer.toString(freePort()));
        env.put("ATRIUM_HOST_RFB_PORT", Integer.toString(freePort()));
        ProcessBuilder builder =
                new ProcessBuilder(root().resolve("atrium").toString(), "up")
                        .directory(root().toFile())
                        .redirectErrorStream(true);
        builder.environment().putAll(env);
        return new Platform(root(), stateDir, port, builder.start());
    }

    /** Starts the platform and waits until the launcher says it is up. */
    static Platform start(Path stateDir) throws IOException {
        return start(stateDir, Map.of());
    }

    /** Starts the platform with extra environment variables and waits until it is up. */
    static Platform start(Path stateDir, Map<String, String> extraEnv) throws IOException {
        Platform platform = launch(stateDir, extraEnv);
        try {
            platform.awaitUp();
        } catch (RuntimeException e) {
            // The caller never gets the platform to close: end what was started here.
            try {
                platform.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        return platform;
    }

    void awaitUp() {
        Instant limit = Instant.now().plus(START_LIMIT);
        while (Instant.now().isBefore(limit)) {
            if (output.stream().anyMatch(line -> line.startsWith("Atrium is up"))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "./atrium up exited with " + process.exitValue() + ":\n" + log());
            }
            sleep(200);
        }
        throw new IllegalStateException(
                "./atrium up was not up within " + START_LIMIT + ":\n" + log());
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    Path stateDir() {
        return stateDir;
    }

    Path repositoryRoot() {
        return root;
    }

    String log() {
        return String.join("\n", output);
    }

    /** The demo accounts the broker generated on first start, from the file the launcher prints. */
    Map<String, String> demoCredentials() throws IOException {
        Properties values = new Properties();
        try (var reader =
                Files.newBufferedReader(
                        stateDir.resolve("broker/demo-credentials.txt"), StandardCharsets.UTF_8)) {
            values.load(reader);
        }
        Map<String, String> result = new HashMap<>();
        values.stringPropertyNames().forEach(key -> result.put(key, values.getProperty(key)));
        return result;
    }

    /** Signs in as {@code user} with the form a browser uses and lists the ids of their pools. */
    List<String> poolIdsOf(String user, String password) throws IOException, InterruptedException {
        try (HttpClient client =
                HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build()) {
            String form =
                    "j_username="
                            + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8)
                            + "&j_password="
                            + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
            client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/j_security_check"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> pools =
                    client.send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pools"))
                                    .header("Accept", "application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (pools.statusCode() != 200) {
                throw new IllegalStateException(
                        user + " could not list pools: " + pools.statusCode() + " " + pools.body());
            }
            List<String> ids = new java.util.ArrayList<>();
            var matcher =
                    java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"")
                            .matcher(pools.body());
            while (matcher.find()) {
                ids.add(matcher.group(1));
            }
            if (ids.isEmpty()) {
                throw new IllegalStateException(user + " has no pool: " + pools.body());
            }
            return ids;
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Stops the launcher as Ctrl-C would (it traps INT and TERM alike) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        keepLogs();
    }

    /** Kills the launcher and everything it started without letting it clean up (a crash). */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Freezes ({@code stop}) or thaws the desktop host the launcher started with SIGSTOP/SIGCONT: a
     * stopped host answers nothing and sends no heartbeats, like a failed machine, while the
     * launcher (which ends everything when a process exits) keeps running.
     */
    void signalHost(boolean stop) throws IOException, InterruptedException {
        var hosts =
                process.descendants()
                        .filter(
                                p ->
                                        p.info()
                                                .commandLine()
                                                .orElse("")
                                                .contains("desktop-host/target/quarkus-app"))
                        .toList();
        if (hosts.isEmpty()) {
            throw new IllegalStateException("no desktop host process under the launcher");
        }
        for (ProcessHandle host : hosts) {
            new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(host.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void keepLogs() {
        try {
            Path logs = stateDir.resolve("logs");
            if (Files.isDirectory(logs)) {
                Path target = artifacts().resolve("logs-" + stateDir.getFileName());
                Files.createDirectories(target);
                try (var files = Files.list(logs)) {
                    for (Path log : files.toList()) {
                        Files.copy(
                                log,
                                target.resolve(log.getFileName()),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.writeString(
                    artifacts().resolve("launcher-" + stateDir.getFileName() + ".log"), log());
        } catch (IOException e) {
            System.err.println("could not keep the platform logs: " + e);
        }
    }

    private void collectOutput() {
        try (var reader =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output closed: " + e + ")");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
