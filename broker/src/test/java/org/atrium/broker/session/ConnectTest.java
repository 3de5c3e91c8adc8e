package org.atrium.broker.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.atrium.broker.Broker;
import org.atrium.broker.FakeHost;
import org.atrium.broker.Fixtures;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.host.HostSecrets;
import org.atrium.broker.reconciler.PoolReconciler;
import org.atrium.provisioning.pool.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pools, assignment and sessions through the REST API, with the reconciler filling pools on a
 * {@link FakeHost} (the broker may not depend on the real host; the lead's system tests run it).
 */
@QuarkusTest
class ConnectTest {
    @Inject Fixtures fixtures;
    @Inject PoolReconciler reconciler;
    @Inject DesktopRepository desktops;
    @Inject HostSecrets secrets;
    @Inject Vertx vertx;

    private FakeHost host;
    private String hostName;

    @BeforeEach
    void startHost() throws Exception {
        host = FakeHost.start(vertx, secrets.control());
        hostName = Broker.registerHost(host, 200);
    }

    @AfterEach
    void stopHost() throws Exception {
        fixtures.retireHost(hostName);
        host.close();
    }

    private long ready(Pool pool) {
        return QuarkusTransaction.requiringNew()
                .call(() -> desktops.countInPool(pool.id, Set.of(DesktopState.READY)));
    }

    /** Two passes: the first creates the VMs, the second sees them running. */
    private void fill(Pool pool) {
        reconciler.reconcile();
        reconciler.reconcile();
        assertEquals(pool.size, ready(pool), "ready desktops of " + pool.name);
    }

    @Test
    void reconcilerCreatesThePoolsDesktopsOnTheHost() {
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, 2, "staff");
        fill(pool);
        long created = host.calls.stream().filter(c -> c.startsWith("PUT /api/v1/vms/")).count();
        assertTrue(created >= 2, "host got the PUTs: " + host.calls);
    }

    @Test
    void poolsListOnlyTheCallersEntitledPoolsOfTheirTenant() {
        var tenant = fixtures.tenant();
        var mine = fixtures.pool(tenant.id, 0, "staff");
        fixtures.pool(tenant.id, 0, "finance");
        var other = fixtures.tenant();
        fixtures.pool(other.id, 0, "staff");
        var user = fixtures.user(tenant.id, "staff");

        given().cookie("quarkus-credential", Broker.signIn(user.username(), user.password()))
                .get("/api/v1/pools")
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("id", contains(mine.id.toString()))
                .body("[0].name", equalTo(mine.name));
    }

    @Test
    void unentitledPoolIsForbiddenAndAnotherTenantsPoolIsNotFound() {
        var tenant = fixtures.tenant();
        var finance = fixtures.pool(tenant.id, 0, "finance");
        var other = fixtures.tenant();
        var foreign = fixtures.pool(other.id, 0, "staff");
        var user = fixtures.user(tenant.id, "staff");
        String cookie = Broker.signIn(user.username(), user.password());

        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/pools/" + finance.id + "/connect")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403));
        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/pools/" + foreign.id + "/connect")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void demoUserIsRefusedTheSecondTenantsPool() throws Exception {
        var credentials = fixtures.demoCredentials();
        String cookie =
                Broker.signIn(
                        credentials.getProperty("demo.user.username"),
                        credentials.getProperty("demo.user.password"));
        var pools = given().cookie("quarkus-credential", cookie).get("/api/v1/pools");
        pools.then().statusCode(200).body("name", contains("Demo desktops"));
        String otherPoolId =
                QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        org.atrium.provisioning.pool.Pool.<Pool>find(
                                                        "name", "Other tenant desktops")
                                                .firstResult()
                                                .id
                                                .toString());
        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/pools/" + otherPoolId + "/connect")
                .then()
                .statusCode(404);
    }

    @Test
    void concurrentConnectsGetDistinctDesktopsAndNoneIsShared() throws Exception {
        int desktopsInPool = 4;
        int users = 7;
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, desktopsInPool, "staff");
        fill(pool);
        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            var user = fixtures.user(tenant.id, "staff");
            cookies.add(Broker.signIn(user.username(), user.password()));
        }

        var start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        try (var pool7 = Executors.newFixedThreadPool(users)) {
            for (String cookie : cookies) {
                Callable<Response> connect =
                        () -> {
                            start.await();
                            return given().cookie("quarkus-credential", cookie)
                                    .post("/api/v1/pools/" + pool.id + "/connect");
                        };
                answers.add(pool7.submit(connect));
            }
            start.countDown();
        }

        Set<String> assigned = new HashSet<>();
        int refused = 0;
        for (var answer : answers) {
            Response response = answer.get();
            if (response.statusCode() == 200) {
                assertTrue(
                        assigned.add(response.path("desktopId")),
                        "desktop handed out twice: " + response.asString());
                assertTrue(
                        response.<String>path("wsPath")
                                .startsWith(
                                        "/ws/desktops/" + response.path("desktopId") + "?token="));
            } else {
                assertEquals(503, response.statusCode(), response.asString());
                refused++;
            }
        }
        assertEquals(desktopsInPool, assigned.size());
        assertEquals(users - desktopsInPool, refused);
        assertEquals(0, ready(pool));
    }

    @Test
    void reconnectResumesTheSameDesktopAndLogoffRecyclesIt() {
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, 1, "staff");
        fill(pool);
        var user = fixtures.user(tenant.id, "staff");
        String cookie = Broker.signIn(user.username(), user.password());

        Response first =
                given().cookie("quarkus-credential", cookie)
                        .post("/api/v1/pools/" + pool.id + "/connect");
        first.then().statusCode(200);
        String desktopId = first.path("desktopId");
        String sessionId = first.path("sessionId");

        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/sessions/" + sessionId + "/disconnect")
                .then()
                .statusCode(200)
                .body("state", equalTo("DISCONNECTED"));
        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/pools/" + pool.id + "/connect")
                .then()
                .statusCode(200)
                .body("desktopId", equalTo(desktopId))
                .body("sessionId", equalTo(sessionId))
                .body("wsPath", startsWith("/ws/desktops/" + desktopId));
        given().cookie("quarkus-credential", cookie)
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("id", contains(sessionId))
                .body("[0].state", equalTo("CONNECTED"));

        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/desktops/" + desktopId + "/reset")
                .then()
                .statusCode(204);
        assertTrue(host.calls.contains("POST /api/v1/vms/" + desktopId + "/reset"));

        given().cookie("quarkus-credential", cookie)
                .post("/api/v1/sessions/" + sessionId + "/logoff")
                .then()
                .statusCode(200)
                .body("state", equalTo("ENDED"));
        given().cookie("quarkus-credential", cookie)
                .get("/api/v1/sessions")
                .then()
                .body("$", hasSize(0));

        // Recycling: the VM is deleted and created again clean, then READY once running.
        reconciler.reconcile();
        reconciler.reconcile();
        assertTrue(host.calls.contains("DELETE /api/v1/vms/" + desktopId), host.calls.toString());
        assertEquals(1, ready(pool));
    }

    @Test
    void resetOfSomeoneElsesDesktopIsNotFound() {
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, 1, "staff");
        fill(pool);
        var owner = fixtures.user(tenant.id, "staff");
        var other = fixtures.user(tenant.id, "staff");
        String desktopId =
                given().cookie(
                                "quarkus-credential",
                                Broker.signIn(owner.username(), owner.password()))
                        .post("/api/v1/pools/" + pool.id + "/connect")
                        .path("desktopId");
        given().cookie("quarkus-credential", Broker.signIn(other.username(), other.password()))
                .post("/api/v1/desktops/" + desktopId + "/reset")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().cookie("quarkus-credential", Broker.signIn(other.username(), other.password()))
                .post("/api/v1/sessions/" + UUID.randomUUID() + "/logoff")
                .then()
                .statusCode(404);
    }
}
