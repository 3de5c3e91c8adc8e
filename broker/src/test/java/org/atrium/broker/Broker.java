package org.atrium.broker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small helpers for tests that talk to the running broker over HTTP. */
public final class Broker {
    public static final String REGISTRATION = "Bearer test-registration-secret";

    private Broker() {}

    /** Signs in through the login form and returns the session cookie's value. */
    public static String signIn(String username, String password) {
        Response response =
                given().redirects()
                        .follow(false)
                        .contentType(ContentType.URLENC)
                        .formParam("j_username", username)
                        .formParam("j_password", password)
                        .post("/j_security_check");
        assertEquals(302, response.statusCode(), "sign-in of " + username);
        assertEquals(true, response.header("Location").endsWith("/"), "landing page");
        String cookie = response.cookie("quarkus-credential");
        assertNotNull(cookie, "session cookie");
        return cookie;
    }

    /** Registers a host (fake) and returns its name. */
    public static String registerHost(FakeHost host, int vms) {
        return registerHost(host, vms, null);
    }

    /**
     * Registers a host (fake) that says it holds {@code snapshots} (null: says nothing of them) and
     * returns its name.
     */
    public static String registerHost(FakeHost host, int vms, List<String> snapshots) {
        String name = "host-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("controlUrl", host.controlUrl());
        body.put("capacity", Map.of("memoryMiB", 4096, "vms", vms));
        if (snapshots != null) {
            body.put("snapshots", snapshots);
        }
        given().header("Authorization", REGISTRATION)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(200);
        return name;
    }
}
