package org.atrium.broker.desktop;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.atrium.broker.Broker;
import org.atrium.broker.FakeHost;
import org.atrium.broker.Fixtures;
import org.atrium.broker.host.HostSecrets;
import org.atrium.broker.reconciler.PoolReconciler;
import org.atrium.provisioning.pool.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A desktop is offered (READY) only once its host says the guest is up, not as soon as the VM runs:
 * a user given a desktop whose kernel still boots sees a black screen for minutes. The host is a
 * {@link FakeHost} (the broker may not depend on the real one; system tests run that).
 */
@QuarkusTest
class GuestReadinessTest {
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
        host.newGuestsReady = false;
        hostName = Broker.registerHost(host, 200);
    }

    @AfterEach
    void stopHost() {
        fixtures.retireHost(hostName);
        host.close();
    }

    private long count(Pool pool, DesktopState state) {
        return QuarkusTransaction.requiringNew()
                .call(() -> desktops.countInPool(pool.id, Set.of(state)));
    }

    /** The VM of the pool's one desktop (other tests' pools may be refilled on this host too). */
    private String vmOf(Pool pool) {
        List<Desktop> mine =
                QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        desktops.listInTenant(pool.tenantId).stream()
                                                .filter(d -> d.poolId.equals(pool.id))
                                                .toList());
        assertEquals(1, mine.size(), "desktops of the pool");
        String vm = mine.getFirst().id.toString();
        assertEquals("running", host.vms.get(vm), "the host runs the desktop's VM");
        return vm;
    }

    @Test
    void theReconcilerOffersADesktopOnlyOnceItsGuestIsUp() {
        var pool = fixtures.pool(fixtures.tenant().id, 1, "staff");
        reconciler.reconcile();
        reconciler.reconcile();
        assertEquals(0, count(pool, DesktopState.READY), "the VM runs, the guest still boots");
        assertEquals(1, count(pool, DesktopState.PROVISIONING));

        host.guestReady.put(vmOf(pool), true);
        reconciler.reconcile();
        assertEquals(1, count(pool, DesktopState.READY));
    }

    @Test
    void aHeartbeatOffersADesktopOnlyOnceItsGuestIsUp() {
        var pool = fixtures.pool(fixtures.tenant().id, 1, "staff");
        reconciler.reconcile();
        String vm = vmOf(pool);

        heartbeat(vm, false);
        assertEquals(0, count(pool, DesktopState.READY));
        heartbeat(vm, true);
        assertEquals(1, count(pool, DesktopState.READY));
    }

    @Test
    void aHostThatDoesNotReportTheGuestIsTakenAtItsVmState() {
        host.newGuestsReady = null;
        var pool = fixtures.pool(fixtures.tenant().id, 1, "staff");
        reconciler.reconcile();
        reconciler.reconcile();
        assertEquals(1, count(pool, DesktopState.READY));
    }

    private void heartbeat(String vm, boolean guestReady) {
        given().header("Authorization", Broker.REGISTRATION)
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "vms",
                                List.of(
                                        Map.of(
                                                "id",
                                                vm,
                                                "state",
                                                "RUNNING",
                                                "guestReady",
                                                guestReady)),
                                "freeMemoryMiB",
                                4096))
                .post("/api/v1/hosts/" + hostName + "/heartbeat")
                .then()
                .statusCode(204);
    }
}
