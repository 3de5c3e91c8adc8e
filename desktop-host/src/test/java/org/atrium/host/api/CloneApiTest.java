package org.atrium.host.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.atrium.host.vm.BootSource;
import org.junit.jupiter.api.Test;

/**
 * Snapshot, clone, start and host accounting through the control API. The machines are {@link
 * SyntheticMachineFactory}'s: a real guest takes minutes to boot here; clones of real machines are
 * tested in {@code org.atrium.host.vm.PcMachineCloneTest}.
 */
@QuarkusTest
class CloneApiTest {
    static final String AUTH = "Bearer test-control-secret";

    @Inject SyntheticMachineFactory machines;

    private static RequestSpecification api() {
        return given().header("Authorization", AUTH).contentType(ContentType.JSON);
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }

    @Test
    void aSnapshotIsSavedOnceAndClonesStartFromItWithTheirOwnIdentity() {
        String snap = unique("tmpl");
        api().body("{\"memoryMiB\": 64, \"boot\": {\"firmware\": \"seabios\"}}")
                .put("/api/v1/vms/template")
                .then()
                .statusCode(201);
        api().body("{\"name\": \"" + snap + "\"}")
                .post("/api/v1/vms/template/snapshot")
                .then()
                .statusCode(200)
                .body("name", equalTo(snap))
                .body("sourceVm", equalTo("template"))
                .body("memoryMiB", equalTo(64));
        api().get("/api/v1/snapshots")
                .then()
                .statusCode(200)
                .body("find { it.name == '" + snap + "' }.sourceVm", equalTo("template"))
                .body("find { it.name == '" + snap + "' }.memoryMiB", equalTo(64));
        given().get("/api/v1/snapshots").then().statusCode(401);
        // Idempotent for the same VM; a conflict for another.
        api().body("{\"name\": \"" + snap + "\"}")
                .post("/api/v1/vms/template/snapshot")
                .then()
                .statusCode(200);
        api().body("{\"memoryMiB\": 32, \"boot\": {\"firmware\": \"seabios\"}}")
                .put("/api/v1/vms/other")
                .then()
                .statusCode(201);
        api().body("{\"name\": \"" + snap + "\"}")
                .post("/api/v1/vms/other/snapshot")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Snapshot exists"));

        api().body(
                        "{\"boot\": {\"snapshot\": \""
                                + snap
                                + "\"}, \"identity\": {\"hostname\": \"desk-a\"}}")
                .put("/api/v1/vms/clone-a")
                .then()
                .statusCode(201)
                .body("state", equalTo("RUNNING"))
                .body("memoryMiB", equalTo(64))
                .body("snapshot", equalTo(snap))
                .body("identity.hostname", equalTo("desk-a"));
        var a = machines.last();
        api().body("{\"boot\": {\"snapshot\": \"" + snap + "\"}}")
                .put("/api/v1/vms/clone-b")
                .then()
                .statusCode(201)
                .body("identity.hostname", equalTo("clone-b"));
        var b = machines.last();
        assertInstanceOf(BootSource.Snapshot.class, a.spec.boot());
        assertTrue(a.serialTyped().startsWith("hostname desk-a;"), a.serialTyped());
        assertTrue(b.serialTyped().startsWith("hostname clone-b;"), b.serialTyped());
        assertNotEquals(a.spec.identity().macAddress(), b.spec.identity().macAddress());
        assertNotEquals(a.spec.identity().serialNumber(), b.spec.identity().serialNumber());
        // The same clone request again answers the clone that exists.
        api().body(
                        "{\"boot\": {\"snapshot\": \""
                                + snap
                                + "\"}, \"identity\": {\"hostname\": \"desk-a\"}}")
                .put("/api/v1/vms/clone-a")
                .then()
                .statusCode(200);
        api().body("{\"memoryMiB\": 128, \"boot\": {\"snapshot\": \"" + snap + "\"}}")
                .put("/api/v1/vms/clone-c")
                .then()
                .statusCode(400)
                .body("detail", containsString("64 MiB"));
        for (String id : new String[] {"template", "other", "clone-a", "clone-b"}) {
            api().delete("/api/v1/vms/" + id).then().statusCode(204);
        }
    }

    @Test
    void clonesOfMissingSnapshotsAndBadRequestsAreProblems() {
        api().body("{\"boot\": {\"snapshot\": \"no-such-snapshot\"}}")
                .put("/api/v1/vms/c1")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Snapshot not found"));
        api().body("{\"boot\": {\"snapshot\": \"../etc/passwd\"}}")
                .put("/api/v1/vms/c1")
                .then()
                .statusCode(400)
                .body("title", equalTo("Invalid snapshot name"));
        api().body("{\"boot\": {\"snapshot\": \"x\", \"firmware\": \"seabios\"}}")
                .put("/api/v1/vms/c1")
                .then()
                .statusCode(400)
                .body("detail", containsString("exactly one"));
        api().body(
                        "{\"boot\": {\"snapshot\": \"x\"}, \"identity\": {\"macAddress\":"
                                + " \"01:00:00:00:00:01\"}}")
                .put("/api/v1/vms/c1")
                .then()
                .statusCode(400)
                .body("title", equalTo("Invalid identity"));
        api().body("{\"name\": \"s\"}").post("/api/v1/vms/absent/snapshot").then().statusCode(404);
        api().get("/api/v1/vms").then().body("id", not(hasItem("c1")));
    }

    @Test
    void clonesAreAdmittedAgainstTheMemoryBudget() {
        // %test.atrium.host.max-guest-memory is 512M: a 300 MiB template and one clone fit, a
        // second clone does not.
        String snap = unique("big");
        api().body("{\"memoryMiB\": 200, \"boot\": {\"firmware\": \"seabios\"}}")
                .put("/api/v1/vms/big-template")
                .then()
                .statusCode(201);
        api().body("{\"name\": \"" + snap + "\"}")
                .post("/api/v1/vms/big-template/snapshot")
                .then()
                .statusCode(200);
        api().body("{\"boot\": {\"snapshot\": \"" + snap + "\"}}")
                .put("/api/v1/vms/big-clone-1")
                .then()
                .statusCode(201);
        api().body("{\"boot\": {\"snapshot\": \"" + snap + "\"}}")
                .put("/api/v1/vms/big-clone-2")
                .then()
                .statusCode(507)
                .contentType("application/problem+json")
                .body("title", equalTo("Insufficient guest memory"))
                .body("detail", containsString("112 MiB of 512 MiB free"));
        api().get("/api/v1/host")
                .then()
                .statusCode(200)
                .body("committedMemoryMiB", equalTo(400))
                .body("maxGuestMemoryMiB", equalTo(512))
                .body("freeMemoryMiB", equalTo(112))
                .body("vms", equalTo(2))
                .body("residentMemoryMiB", greaterThanOrEqualTo(1))
                .body("vmUsage.id", hasItem("big-clone-1"));
        // Stopping the template frees its memory; a stopped VM starts again when it fits.
        api().post("/api/v1/vms/big-template/stop").then().statusCode(200);
        api().body("{\"boot\": {\"snapshot\": \"" + snap + "\"}}")
                .put("/api/v1/vms/big-clone-2")
                .then()
                .statusCode(201);
        api().post("/api/v1/vms/big-template/start")
                .then()
                .statusCode(507)
                .body("title", equalTo("Insufficient guest memory"));
        api().delete("/api/v1/vms/big-clone-2").then().statusCode(204);
        int built = machines.count();
        api().post("/api/v1/vms/big-template/start")
                .then()
                .statusCode(200)
                .body("state", equalTo("RUNNING"));
        api().post("/api/v1/vms/big-template/start").then().statusCode(200);
        assertEquals(built + 1, machines.count(), "start builds the machine again, once");
        assertInstanceOf(BootSource.Firmware.class, machines.last().spec.boot());
        api().delete("/api/v1/vms/big-template").then().statusCode(204);
        api().delete("/api/v1/vms/big-clone-1").then().statusCode(204);
    }
}
