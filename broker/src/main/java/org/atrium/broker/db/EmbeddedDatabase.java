package org.atrium.broker.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The PostgreSQL server the broker runs itself on a single node. Its data directory lives under the
 * state directory so data survives restarts; one server per state directory, started on first use.
 *
 * <p>A previous run killed mid-start can leave two things behind, both handled here: a half-made
 * data directory (no marker file yet, so it is made again) and a {@code postmaster.pid} whose
 * server is gone or orphaned (an orphan is shut down, a stale file removed).
 *
 * <p>The server outlives application restarts inside one JVM (dev mode, tests) and stops with the
 * JVM through Zonky's shutdown hook, after the connection pool has closed.
 */
public final class EmbeddedDatabase {
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final String MARKER = "postgres.initialized";
    private static final Map<Path, EmbeddedPostgres> SERVERS = new HashMap<>();

    private EmbeddedDatabase() {}

    /** The JDBC URL of the server for this state directory, starting it if needed. */
    public static synchronized String jdbcUrl(Path stateDirectory) {
        Path state = stateDirectory.toAbsolutePath().normalize();
        EmbeddedPostgres server = SERVERS.get(state);
        if (server == null) {
            server = start(state, state.resolve("postgres"));
            SERVERS.put(state, server);
        }
        return server.getJdbcUrl("postgres", "postgres");
    }

    /** Stops the server of this state directory if this JVM started it. */
    static synchronized void stop(Path stateDirectory) throws IOException {
        EmbeddedPostgres server = SERVERS.remove(stateDirectory.toAbsolutePath().normalize());
        if (server != null) {
            server.close();
        }
    }

    private static EmbeddedPostgres start(Path stateDirectory, Path dataDirectory) {
        try {
            Files.createDirectories(stateDirectory);
            Path marker = stateDirectory.resolve(MARKER);
            if (Files.exists(dataDirectory) && !Files.exists(marker)) {
                LOG.warnf("removing %s: a previous first start did not finish", dataDirectory);
                deleteTree(dataDirectory);
            }
            clearStalePid(dataDirectory);
            LOG.infof("starting embedded PostgreSQL in %s", dataDirectory);
            var started =
                    EmbeddedPostgres.builder()
                            .setDataDirectory(dataDirectory)
                            .setCleanDataDirectory(false)
                            .setServerConfig("listen_addresses", "127.0.0.1")
                            // Zonky tunes for throw-away test databases; this one keeps real data.
                            .setServerConfig("synchronous_commit", "on")
                            .setServerConfig("max_connections", "100")
                            .setPGStartupWait(Duration.ofSeconds(60))
                            .start();
            if (!Files.exists(marker)) {
                Files.writeString(marker, "initialised by the broker\n");
            }
            LOG.infof("embedded PostgreSQL listening on 127.0.0.1:%d", started.getPort());
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /**
     * A postmaster.pid names the server that owned the directory. If that process is still a
     * PostgreSQL server (the broker that started it was killed), shut it down; otherwise the file
     * is stale and PostgreSQL could mistake an unrelated process reusing the PID for its owner.
     */
    private static void clearStalePid(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> owner = ownerOf(pidFile);
        if (owner.isPresent()) {
            var process = owner.get();
            LOG.warnf("shutting down orphaned PostgreSQL server (pid %d)", process.pid());
            process.destroy();
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("orphaned PostgreSQL (pid %d) did not stop; killing it", process.pid());
                process.destroyForcibly();
            }
        }
        if (Files.deleteIfExists(pidFile)) {
            LOG.infof("removed stale %s", pidFile);
        }
    }

    private static Optional<ProcessHandle> ownerOf(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (pid == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(
                        handle ->
                                handle.info()
                                        .command()
                                        .map(command -> command.endsWith("postgres"))
                                        .orElse(false));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
