package org.atrium.broker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.atrium.broker.FakeHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, "done when" 3: SIGKILL the broker while many users connect, start it again on the same
 * embedded database, and check with SQL that no desktop is assigned twice and none is left in an
 * intermediate state, and that every connect the users were told succeeded is still there.
 *
 * <p>The broker runs as its packaged jar; the desktop host is a {@link FakeHost} (the broker may
 * not depend on the real host, and assignment never calls the host).
 */
class BrokerKillIT {
    private static final int DESKTOPS = 30;
    private static final int USERS = 45;
    private static final String GROUP = "storm";
    private static final int KILL_AFTER = 80;

    private Path stateDir;
    private Vertx vertx;
    private FakeHost host;
    private BrokerProcess broker;
    private final String hostName = "fake-" + UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void setUp() throws Exception {
        stateDir =
                Path.of("target", "it-state", "kill-" + System.currentTimeMillis(), "broker")
                        .toAbsolutePath();
        Files.createDirectories(stateDir);
        vertx = Vertx.vertx();
        host = FakeHost.start(vertx, BrokerProcess.CONTROL_SECRET);
    }

    @AfterEach
    void tearDown() throws Exception {
        heartbeats.shutdownNow();
        if (broker != null) {
            broker.close();
        }
        BrokerProcess.stopOrphanedDatabase(stateDir);
        host.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void killingTheBrokerMidAssignmentLeavesNoDoubleOrStuckDesktop() throws Exception {
        int port = BrokerProcess.freePort();
        broker = BrokerProcess.start(stateDir, port, "broker-1.log");
        var platformAdmin = broker.demoCredentials();
        String platform =
                broker.signIn(
                        platformAdmin.getProperty("platform.admin.username"),
                        platformAdmin.getProperty("platform.admin.password"));

        // A tenant, its admin, a pool and users, all through the API.
        var tenant =
                broker.call("POST", "/api/v1/platform/tenants", platform, Map.of("name", "storm"));
        assertEquals(201, tenant.status(), String.valueOf(tenant.body()));
        String tenantId = tenant.body().path("id").asText();
        String adminPassword = "admin-" + UUID.randomUUID();
        assertEquals(
                201,
                broker.call(
                                "POST",
                                "/api/v1/platform/tenants/" + tenantId + "/admins",
                                platform,
                                Map.of(
                                        "username",
                                        "storm-admin",
                                        "password",
                                        adminPassword,
                                        "groups",
                                        List.of(GROUP)))
                        .status());
        String admin = broker.signIn("storm-admin", adminPassword);
        var pool =
                broker.call(
                        "POST",
                        "/api/v1/admin/pools",
                        admin,
                        Map.of(
                                "name",
                                "storm desktops",
                                "kind",
                                "POOLED",
                                "size",
                                DESKTOPS,
                                "warmBuffer",
                                DESKTOPS,
                                "memoryMiB",
                                32,
                                "bootSource",
                                "{\"firmware\":\"seabios\"}",
                                "entitledGroup",
                                GROUP));
        assertEquals(201, pool.status(), String.valueOf(pool.body()));
        String poolId = pool.body().path("id").asText();
        String password = "user-" + UUID.randomUUID();
        for (int i = 0; i < USERS; i++) {
            assertEquals(
                    201,
                    broker.call(
                                    "POST",
                                    "/api/v1/admin/users",
                                    admin,
                                    Map.of(
                                            "username",
                                            "storm-" + i,
                                            "password",
                                            password,
                                            "groups",
                                            List.of(GROUP)))
                            .status());
        }

        // The fake host registers and keeps heartbeating across the restart.
        assertEquals(200, broker.registerHost(hostName, host.controlUrl(), DESKTOPS * 2).status());
        heartbeats.scheduleAtFixedRate(
                () -> broker.heartbeat(hostName, Map.copyOf(host.vms)), 0, 2, TimeUnit.SECONDS);
        awaitReady(poolId, DESKTOPS);

        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            cookies.add(broker.signIn("storm-" + i, password));
        }

        // Every user connects and logs off in a loop, all at once, so assignments, logoffs and
        // recycling are in flight when the broker dies after KILL_AFTER successful connects.
        Map<String, String> answered = new ConcurrentHashMap<>(); // session -> desktop
        Set<String> logoffSent = new HashSet<>();
        var killed = new java.util.concurrent.atomic.AtomicBoolean();
        var connects = new CountDownLatch(KILL_AFTER);
        var cutOff = new AtomicInteger();
        List<String> wrongAnswers = new CopyOnWriteArrayList<>();
        var start = new CountDownLatch(1);
        var pool1 = Executors.newFixedThreadPool(USERS);
        for (String cookie : cookies) {
            pool1.submit(
                    () -> {
                        start.await();
                        try {
                            while (true) {
                                var answer =
                                        broker.call(
                                                "POST",
                                                "/api/v1/pools/" + poolId + "/connect",
                                                cookie,
                                                null);
                                if (answer.status() == 200) {
                                    String session = answer.body().path("sessionId").asText();
                                    answered.put(session, answer.body().path("desktopId").asText());
                                    connects.countDown();
                                    // Use the desktop a moment, so some sessions are live at
                                    // the kill; once a logoff is sent, the session's fate is
                                    // unknown, and after the kill none is sent.
                                    Thread.sleep(ThreadLocalRandom.current().nextInt(200, 1500));
                                    synchronized (logoffSent) {
                                        if (killed.get()) {
                                            return null;
                                        }
                                        logoffSent.add(session);
                                    }
                                    var logoff =
                                            broker.call(
                                                    "POST",
                                                    "/api/v1/sessions/" + session + "/logoff",
                                                    cookie,
                                                    null);
                                    if (logoff.status() != 200) {
                                        wrongAnswers.add("logoff " + logoff.status());
                                    }
                                } else if (answer.status() == 503) {
                                    Thread.sleep(50); // no desktop ready: try again
                                } else {
                                    wrongAnswers.add(answer.status() + " " + answer.body());
                                    return null;
                                }
                            }
                        } catch (java.io.IOException e) {
                            // The broker died under this request: the expected way to stop.
                            cutOff.incrementAndGet();
                        }
                        return null;
                    });
        }
        start.countDown();
        assertTrue(
                connects.await(180, TimeUnit.SECONDS),
                "too few desktops handed out before the kill; other answers: " + wrongAnswers);
        synchronized (logoffSent) {
            killed.set(true);
        }
        broker.kill();
        pool1.shutdown();
        assertTrue(pool1.awaitTermination(120, TimeUnit.SECONDS));
        // Sessions whose connect was answered and whose logoff was never sent must survive.
        Map<String, String> liveAtKill = new HashMap<>(answered);
        liveAtKill.keySet().removeAll(logoffSent);
        Map<String, String> confirmed = Map.copyOf(liveAtKill);
        assertEquals(List.of(), wrongAnswers, "answers other than 200 or 503 before the kill");
        System.out.printf(
                "BrokerKillIT: %d connects answered before SIGKILL (%d still live), %d cut off%n",
                KILL_AFTER - connects.getCount(), confirmed.size(), cutOff.get());

        broker = BrokerProcess.start(stateDir, port, "broker-2.log");
        try (Connection sql = broker.sql()) {
            assertEquals(
                    List.of(),
                    rows(
                            sql,
                            "select desktop_id from desktop_session where state <> 'ENDED'"
                                    + " group by desktop_id having count(*) > 1"),
                    "desktops with two live sessions");
            assertEquals(
                    List.of(),
                    rows(
                            sql,
                            "select d.id from desktop d where d.state = 'ASSIGNED' and not"
                                    + " exists (select 1 from desktop_session s where"
                                    + " s.desktop_id = d.id and s.state <> 'ENDED' and"
                                    + " s.user_id = d.assigned_user_id)"),
                    "assigned desktops without their user's live session");
            assertEquals(
                    List.of(),
                    rows(
                            sql,
                            "select s.id from desktop_session s join desktop d on d.id ="
                                    + " s.desktop_id where s.state <> 'ENDED' and (d.state <>"
                                    + " 'ASSIGNED' or d.assigned_user_id <> s.user_id)"),
                    "live sessions on desktops not assigned to their user");
            assertEquals(
                    List.of(),
                    rows(
                            sql,
                            "select user_id from desktop_session where state <> 'ENDED'"
                                    + " group by user_id having count(*) > 1"),
                    "users with two live sessions in the one pool");
            // What a user was told is what the database kept.
            for (var entry : confirmed.entrySet()) {
                assertEquals(
                        List.of(entry.getValue()),
                        rows(
                                sql,
                                "select desktop_id from desktop_session where state <> 'ENDED'"
                                        + " and id = '"
                                        + entry.getKey()
                                        + "'"),
                        "confirmed session " + entry.getKey());
            }
        }
        // Nothing stays between states: the reconciler settles the pool again.
        awaitSettled(poolId);

        // After the restart everyone connects again: earlier holders get their desktop back.
        Map<String, String> desktopOfUser = new HashMap<>();
        Set<String> handedOut = new HashSet<>();
        int refused = 0;
        for (int i = 0; i < USERS; i++) {
            var answer =
                    broker.call(
                            "POST", "/api/v1/pools/" + poolId + "/connect", cookies.get(i), null);
            if (answer.status() == 200) {
                String desktop = answer.body().path("desktopId").asText();
                assertTrue(handedOut.add(desktop), "desktop " + desktop + " handed out twice");
                desktopOfUser.put("storm-" + i, desktop);
                String session = answer.body().path("sessionId").asText();
                if (confirmed.containsKey(session)) {
                    assertEquals(confirmed.get(session), desktop, "reconnect after restart");
                }
            } else {
                assertEquals(503, answer.status(), String.valueOf(answer.body()));
                refused++;
            }
        }
        assertEquals(DESKTOPS, desktopOfUser.size(), "every desktop in use once");
        assertEquals(USERS - DESKTOPS, refused);
    }

    private void awaitReady(String poolId, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            try (Connection sql = broker.sql()) {
                var ready =
                        rows(
                                sql,
                                "select id from desktop where state = 'READY' and pool_id = '"
                                        + poolId
                                        + "'");
                if (ready.size() == count) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("pool never had " + count + " READY desktops");
    }

    /** Waits until every desktop of the pool is READY or ASSIGNED, and none FAILED. */
    private void awaitSettled(String poolId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        List<String> unsettled = List.of();
        while (Instant.now().isBefore(deadline)) {
            try (Connection sql = broker.sql()) {
                unsettled =
                        rows(
                                sql,
                                "select id || ' ' || state from desktop where pool_id = '"
                                        + poolId
                                        + "' and state not in ('READY', 'ASSIGNED')");
                if (unsettled.isEmpty()) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("desktops stuck after restart: " + unsettled);
    }

    private static List<String> rows(Connection sql, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (var statement = sql.createStatement();
                ResultSet rs = statement.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
