package org.atrium.host.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.emulator.storage.ImageStore;
import org.atrium.emulator.storage.Qcow2Image;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Disks through the control API: golden images by name, the files a VM owns in the view and the
 * host's accounting, snapshot layers and their deletion, and the refused inputs. The machines are
 * {@link SyntheticMachineFactory}'s (a real guest takes minutes to boot here), the image files are
 * real: the test profile's image store is {@code images} in {@code target/host-state}.
 */
@QuarkusTest
class DiskApiTest {
    private static final Path STORE = Path.of("target/host-state/images");

    private String golden;

    private static RequestSpecification api() {
        return given().header("Authorization", CloneApiTest.AUTH).contentType(ContentType.JSON);
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }

    @BeforeEach
    void goldenImage() throws Exception {
        Files.createDirectories(STORE);
        golden = unique("golden") + ".qcow2";
        new ImageStore(STORE).createQcow2(golden, 1 << 20);
    }

    private static String withDisk(String image) {
        return "{\"memoryMiB\": 32, \"boot\": {\"firmware\": \"seabios\"}, \"disks\": [{\"image\":"
                + " \""
                + image
                + "\"}]}";
    }

    @Test
    void aVmOwnsAnOverlayAndClonesOwnOverlaysOnTheSnapshotsLayer() throws Exception {
        byte[] before = Files.readAllBytes(STORE.resolve(golden));
        String vm = unique("tmpl");
        String snap = unique("snap");
        String layer = "snap@" + snap + ".disk0.qcow2";
        api().body(withDisk(golden))
                .put("/api/v1/vms/" + vm)
                .then()
                .statusCode(201)
                .body("disks", hasSize(1))
                .body("disks[0].name", equalTo("vm@" + vm + ".disk0.qcow2"))
                .body("disks[0].backing", equalTo(golden))
                .body("disks[0].allocatedBytes", greaterThan(0));
        // Idempotent with the same disks.
        api().body(withDisk(golden)).put("/api/v1/vms/" + vm).then().statusCode(200);
        api().get("/api/v1/host")
                .then()
                .statusCode(200)
                .body("diskAllocatedBytes", greaterThan(0))
                .body("vmUsage.find { it.id == '" + vm + "' }.diskAllocatedBytes", greaterThan(0));

        api().body("{\"name\": \"" + snap + "\"}")
                .post("/api/v1/vms/" + vm + "/snapshot")
                .then()
                .statusCode(200)
                .body("disks[0]", equalTo(layer));
        assertTrue(Files.exists(STORE.resolve(layer)));
        api().get("/api/v1/snapshots/" + snap)
                .then()
                .statusCode(200)
                .body("disks[0]", equalTo(layer));

        String clone = unique("clone");
        api().body("{\"boot\": {\"snapshot\": \"" + snap + "\"}}")
                .put("/api/v1/vms/" + clone)
                .then()
                .statusCode(201)
                .body("disks[0].name", equalTo("vm@" + clone + ".disk0.qcow2"))
                .body("disks[0].backing", equalTo(layer));
        api().delete("/api/v1/snapshots/" + snap)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Snapshot in use"))
                .body("detail", containsString(clone));

        api().delete("/api/v1/vms/" + clone).then().statusCode(204);
        assertFalse(Files.exists(STORE.resolve("vm@" + clone + ".disk0.qcow2")));
        api().delete("/api/v1/snapshots/" + snap).then().statusCode(204);
        api().delete("/api/v1/snapshots/" + snap).then().statusCode(204);
        api().get("/api/v1/snapshots/" + snap).then().statusCode(404);
        assertFalse(Files.exists(STORE.resolve(layer)));
        api().delete("/api/v1/vms/" + vm).then().statusCode(204);
        assertFalse(Files.exists(STORE.resolve("vm@" + vm + ".disk0.qcow2")));
        assertArrayEquals(before, Files.readAllBytes(STORE.resolve(golden)));
    }

    @Test
    void badDisksAreProblems() throws Exception {
        for (String name : new String[] {"../" + golden, "sub/x.qcow2", "/etc/passwd", ".hidden"}) {
            api().body(withDisk(name))
                    .put("/api/v1/vms/bad-disk")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Invalid disk name"));
        }
        api().body(withDisk("absent.qcow2"))
                .put("/api/v1/vms/bad-disk")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Image not found"));
        String corrupt = unique("corrupt") + ".qcow2";
        byte[] junk = "QFI\u00fbnot really a qcow2 image".getBytes("ISO-8859-1");
        Files.write(STORE.resolve(corrupt), junk);
        api().body(withDisk(corrupt))
                .put("/api/v1/vms/bad-disk")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("title", equalTo("Image not usable"))
                .body("detail", containsString(corrupt));
        assertArrayEquals(junk, Files.readAllBytes(STORE.resolve(corrupt)));
        // A golden image whose backing file leads out of the store.
        String escape = unique("escape") + ".qcow2";
        Qcow2Image.create(STORE.resolve(escape), 1 << 20, 16, "../../etc/passwd", ImageFormat.RAW);
        api().body(withDisk(escape))
                .put("/api/v1/vms/bad-disk")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("refused"));
        api().body(
                        "{\"memoryMiB\": 32, \"boot\": {\"firmware\": \"seabios\"}, \"disks\":"
                                + " [{\"image\": \""
                                + golden
                                + "\", \"format\": \"vmdk\"}]}")
                .put("/api/v1/vms/bad-disk")
                .then()
                .statusCode(400);
        api().body(
                        "{\"boot\": {\"snapshot\": \"x\"}, \"disks\": [{\"image\": \""
                                + golden
                                + "\"}]}")
                .put("/api/v1/vms/bad-disk")
                .then()
                .statusCode(400)
                .body("detail", containsString("clone"));
        api().get("/api/v1/vms/bad-disk").then().statusCode(404);
        assertFalse(Files.exists(STORE.resolve("vm@bad-disk.disk0.qcow2")));
    }
}
