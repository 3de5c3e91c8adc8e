package org.atrium.broker.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server keeps data across restarts and recovers from a previous run killed mid-way: a
 * stale postmaster.pid, an orphaned server still holding the directory, a half-made directory. Real
 * PostgreSQL processes throughout; each test uses its own state directory.
 */
class EmbeddedDatabaseTest {
    @TempDir Path state;

    @AfterEach
    void stop() throws Exception {
        EmbeddedDatabase.stop(state);
    }

    private static void execute(String url, String sql) throws Exception {
        try (var connection = DriverManager.getConnection(url);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int count(String url, String table) throws Exception {
        try (var connection = DriverManager.getConnection(url);
                var statement = connection.createStatement();
                var result = statement.executeQuery("select count(*) from " + table)) {
            result.next();
            return result.getInt(1);
        }
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(
                Files.readAllLines(state.resolve("postgres/postmaster.pid")).getFirst().strip());
    }

    @Test
    void dataSurvivesARestartAndAStalePidFileIsIgnored() throws Exception {
        String url = EmbeddedDatabase.jdbcUrl(state);
        execute(url, "create table kept (id int)");
        execute(url, "insert into kept values (1)");
        EmbeddedDatabase.stop(state);

        // A dead process's pid, as a killed run leaves it.
        var finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Files.writeString(
                state.resolve("postgres/postmaster.pid"),
                finished.pid() + "\n" + state.resolve("postgres") + "\n");

        String again = EmbeddedDatabase.jdbcUrl(state);
        assertEquals(1, count(again, "kept"));
    }

    @Test
    void anOrphanedServerIsShutDownAndReplaced() throws Exception {
        String url = EmbeddedDatabase.jdbcUrl(state);
        execute(url, "create table kept (id int)");
        String postgres =
                ProcessHandle.of(postmasterPid()).orElseThrow().info().command().orElseThrow();
        EmbeddedDatabase.stop(state);

        // What a broker killed with SIGKILL leaves: its server still running on the directory.
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses uid 0; Zonky runs it in a user namespace the same way.
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(
                List.of(
                        postgres,
                        "-D",
                        state.resolve("postgres").toString(),
                        "-p",
                        Integer.toString(port),
                        "-c",
                        "listen_addresses=127.0.0.1"));
        var orphan =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(state.resolve("orphan.log").toFile())
                        .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!(Files.exists(state.resolve("postgres/postmaster.pid"))
                        && postmasterPid() == orphan.pid())
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertEquals(orphan.pid(), postmasterPid(), "orphan owns the directory");

        String again = EmbeddedDatabase.jdbcUrl(state);

        assertTrue(orphan.waitFor(30, TimeUnit.SECONDS), "orphan was shut down");
        assertFalse(orphan.isAlive());
        assertEquals(0, count(again, "kept"));
    }

    @Test
    void aHalfMadeDataDirectoryIsMadeAgain() throws Exception {
        Files.createDirectories(state.resolve("postgres"));
        Files.writeString(state.resolve("postgres/postgresql.conf"), "# cut short\n");
        String url = EmbeddedDatabase.jdbcUrl(state);
        execute(url, "select 1");
        assertTrue(Files.exists(state.resolve("postgres.initialized")));
    }
}
