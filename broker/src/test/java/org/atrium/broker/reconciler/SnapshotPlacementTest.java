package org.atrium.broker.reconciler;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.atrium.broker.Broker;
import org.atrium.broker.FakeHost;
import org.atrium.broker.Fixtures;
import org.atrium.broker.desktop.Desktop;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.host.HostSecrets;
import org.atrium.provisioning.pool.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool of instant clones ({@code {"snapshot": NAME}}) is placed only on hosts that said they hold
 * the snapshot. Before, the least loaded host got each desktop, refused it if it lacked the
 * snapshot, and as still the least loaded was picked again on the next tick, leaving a FAILED
 * desktop behind each time. The hosts are {@link FakeHost}s (the broker may not depend on the real
 * one), which answer every create: so a desktop on a host without the snapshot would show here as
 * placed there.
 */
@QuarkusTest
class SnapshotPlacementTest {
    private static final String GOLDEN = "{\"snapshot\":\"golden\"}";

    @Inject Fixtures fixtures;
    @Inject PoolReconciler reconciler;
    @Inject DesktopRepository desktops;
    @Inject HostSecrets secrets;
    @Inject Vertx vertx;

    private FakeHost holding, lacking, silent;
    private String holdingName, lackingName, silentName;

    @BeforeEach
    void startHosts() throws Exception {
        holding = FakeHost.start(vertx, secrets.control());
        lacking = FakeHost.start(vertx, secrets.control());
        silent = FakeHost.start(vertx, secrets.control());
        holdingName = Broker.registerHost(holding, 200, List.of("golden", "other"));
        lackingName = Broker.registerHost(lacking, 200, List.of("other"));
        // A host that says nothing of its snapshots gets no clones.
        silentName = Broker.registerHost(silent, 200, null);
    }

    @AfterEach
    void stopHosts() {
        for (String name : List.of(holdingName, lackingName, silentName)) {
            fixtures.retireHost(name);
        }
        holding.close();
        lacking.close();
        silent.close();
    }

    private List<Desktop> desktopsOf(Pool pool) {
        return QuarkusTransaction.requiringNew()
                .call(
                        () ->
                                desktops.listInTenant(pool.tenantId).stream()
                                        .filter(d -> d.poolId.equals(pool.id))
                                        .toList());
    }

    /** The hosts the pool's desktops were placed on, and that none of them failed. */
    private Set<String> hostsOf(Pool pool, int expected) {
        List<Desktop> mine = desktopsOf(pool);
        assertEquals(expected, mine.size(), "desktops of the pool");
        assertTrue(
                mine.stream().noneMatch(d -> d.state == DesktopState.FAILED),
                "no desktop failed: " + mine.stream().map(d -> d.state).toList());
        return mine.stream().map(d -> d.hostName).collect(Collectors.toSet());
    }

    /** Whether a fake host was asked to create one of the pool's VMs. */
    private boolean created(FakeHost host, Pool pool) {
        return desktopsOf(pool).stream()
                .map(d -> "PUT /api/v1/vms/" + d.id)
                .anyMatch(host.calls::contains);
    }

    private void heartbeat(String hostName, List<String> snapshots) {
        given().header("Authorization", Broker.REGISTRATION)
                .contentType(ContentType.JSON)
                .body(Map.of("vms", List.of(), "freeMemoryMiB", 4096, "snapshots", snapshots))
                .post("/api/v1/hosts/" + hostName + "/heartbeat")
                .then()
                .statusCode(204);
    }

    @Test
    void clonesGoOnlyToHostsThatHoldTheirSnapshot() {
        UUID tenant = fixtures.tenant().id;
        Pool clones = fixtures.pool(tenant, 4, "staff", GOLDEN);
        reconciler.reconcile();
        reconciler.reconcile();
        assertEquals(Set.of(holdingName), hostsOf(clones, 4));
        assertTrue(created(holding, clones));
        assertTrue(!created(lacking, clones) && !created(silent, clones));

        // The host that lacked it reports it now, and the one that held it no longer does.
        heartbeat(lackingName, List.of("other", "golden"));
        heartbeat(holdingName, List.of("other"));
        Pool more = fixtures.pool(tenant, 3, "staff", GOLDEN);
        reconciler.reconcile();
        assertEquals(Set.of(lackingName), hostsOf(more, 3));
        assertTrue(!created(holding, more) && !created(silent, more));
    }

    @Test
    void aPoolWhoseSnapshotNoHostHoldsWaitsWithoutFailing() {
        Pool nowhere =
                fixtures.pool(fixtures.tenant().id, 2, "staff", "{\"snapshot\":\"nowhere\"}");
        reconciler.reconcile();
        reconciler.reconcile();
        assertEquals(Set.of(), hostsOf(nowhere, 0));

        // A host that says it has it now gets them.
        heartbeat(silentName, List.of("nowhere"));
        reconciler.reconcile();
        assertEquals(Set.of(silentName), hostsOf(nowhere, 2));
    }

    @Test
    void aSnapshotNameThatIsNotOneIsRefused() {
        given().header("Authorization", Broker.REGISTRATION)
                .contentType(ContentType.JSON)
                .body(Map.of("vms", List.of(), "freeMemoryMiB", 1, "snapshots", List.of("a,b")))
                .post("/api/v1/hosts/" + holdingName + "/heartbeat")
                .then()
                .statusCode(400);
        given().header("Authorization", Broker.REGISTRATION)
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "name",
                                "host-bad-snapshot",
                                "controlUrl",
                                holding.controlUrl(),
                                "capacity",
                                Map.of("memoryMiB", 1024, "vms", 1),
                                "snapshots",
                                List.of("../x")))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(400);
    }
}
