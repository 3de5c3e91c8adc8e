package org.atrium.broker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
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
        String name = "host-" + UUID.randomUUID().toString().substring(0, 8);
        given().header("Authorization", REGISTRATION)
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "name", name,
                                "controlUrl", host.controlUrl(),
                                "capacity", Map.of("memoryMiB", 4096, "vms", vms)))
                .post("/api/v1/hosts/register")
                .then()
                .statusCode(200);
        return name;
    }
}
