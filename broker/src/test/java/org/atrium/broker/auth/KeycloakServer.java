package org.atrium.broker.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A real Keycloak for tests: the server distribution the build unpacked into {@code
 * target/keycloak} ({@code keycloak-quarkus-dist}, see broker/pom.xml), run in development mode on
 * free ports with an in-memory database and a realm imported from the test resources. It runs on
 * the JDK of the test JVM.
 */
final class KeycloakServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KeycloakServer.class);

    /** Generous: a first start on a fresh unpack also builds Keycloak's own Quarkus app. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(8);

    private final Process process;
    private final int port;
    private final String realm;

    private KeycloakServer(Process process, int port, String realm) {
        this.process = process;
        this.port = port;
        this.realm = realm;
    }

    /**
     * Starts Keycloak with the realm file (a classpath resource) and waits until the realm answers.
     *
     * @param home the unpacked distribution
     */
    static KeycloakServer start(Path home, String realmResource, String realm)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(
                    "no Keycloak distribution at " + home + "; the broker build unpacks it");
        }
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        try (InputStream in = KeycloakServer.class.getResourceAsStream(realmResource)) {
            if (in == null) {
                throw new IllegalStateException("no realm resource " + realmResource);
            }
            Files.copy(
                    in,
                    imports.resolve(realm + "-realm.json"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        int port = freePort();
        int managementPort = freePort();
        Path log = home.resolveSibling("keycloak-" + port + ".log");
        var builder =
                new ProcessBuilder(
                                List.of(
                                        home.resolve("bin/kc.sh").toString(),
                                        "start-dev",
                                        "--http-port=" + port,
                                        "--http-management-port=" + managementPort,
                                        "--db=dev-mem",
                                        "--import-realm"))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Shared machine: a small heap instead of Keycloak's share of the RAM.
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        Instant started = Instant.now();
        var server = new KeycloakServer(builder.start(), port, realm);
        try {
            server.awaitRealm(log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.infof(
                "Keycloak on port %d answered after %d s (log %s)",
                port, Duration.between(started, Instant.now()).toSeconds(), log);
        return server;
    }

    /** The realm's issuer URL, as Keycloak puts it into tokens. */
    String issuer() {
        return "http://localhost:" + port + "/realms/" + realm;
    }

    private void awaitRealm(Path log) throws IOException, InterruptedException {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var request =
                HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(
                "Keycloak did not serve realm "
                        + realm
                        + " within "
                        + START_TIMEOUT
                        + "; see "
                        + log);
    }

    /** Stops Keycloak: kc.sh forwards SIGTERM to its JVM; anything left is killed. */
    @Override
    public void close() {
        var children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (var child : children) {
                child.onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
