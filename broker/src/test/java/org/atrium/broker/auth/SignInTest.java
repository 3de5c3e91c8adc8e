package org.atrium.broker.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.atrium.broker.Broker;
import org.atrium.broker.Fixtures;
import org.atrium.broker.bootstrap.DemoBootstrap;
import org.atrium.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

/** Form sign-in against the built-in accounts, lockout and the demo bootstrap. */
@QuarkusTest
class SignInTest {
    @Inject Fixtures fixtures;
    @Inject BrokerConfig config;

    @Test
    void demoUserSignsInWithTheGeneratedPassword() throws Exception {
        var credentials = fixtures.demoCredentials();
        var file = config.stateDir().resolve(DemoBootstrap.CREDENTIALS_FILE);
        assertEquals(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));

        String cookie =
                Broker.signIn(
                        credentials.getProperty("demo.user.username"),
                        credentials.getProperty("demo.user.password"));

        given().cookie("quarkus-credential", cookie)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("username", equalTo("demo"))
                .body("tenant", equalTo("demo"))
                .body("roles", contains("user"));
    }

    @Test
    void demoAdminIsTenantAdmin() throws Exception {
        var credentials = fixtures.demoCredentials();
        String cookie =
                Broker.signIn(
                        credentials.getProperty("demo.admin.username"),
                        credentials.getProperty("demo.admin.password"));
        given().cookie("quarkus-credential", cookie)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("roles", contains("tenant-admin", "user"));
    }

    @Test
    void wrongPasswordLandsOnTheErrorPage() {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "g");
        var response = postSignIn(user.username(), user.password() + "x");
        response.then().statusCode(302).header("Location", endsWith("/login.html?error=1"));
        assertNull(response.cookie("quarkus-credential"));
    }

    @Test
    void unknownUserLandsOnTheErrorPage() {
        postSignIn("nobody-here", "whatever-password")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login.html?error=1"));
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountEvenForTheRightOne() {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "g");
        // atrium.identity.max-failed-attempts is 3 in the test profile.
        for (int i = 0; i < 3; i++) {
            postSignIn(user.username(), "wrong-" + i)
                    .then()
                    .header("Location", endsWith(i < 2 ? "error=1" : "error=locked"));
        }
        postSignIn(user.username(), user.password())
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login.html?error=locked"));
    }

    /**
     * Passwords are hashed outside the transaction that counts them; wrong passwords sent at once
     * must still each count, so the account ends locked.
     */
    @Test
    void concurrentWrongPasswordsAllCount() throws Exception {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "g");
        try (var clients = Executors.newFixedThreadPool(6)) {
            var sent = new ArrayList<Future<?>>();
            for (int i = 0; i < 6; i++) {
                int attempt = i;
                sent.add(
                        clients.submit(
                                () ->
                                        postSignIn(user.username(), "wrong-" + attempt)
                                                .then()
                                                .statusCode(302)));
            }
            for (var answer : sent) {
                answer.get();
            }
        }
        postSignIn(user.username(), user.password())
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login.html?error=locked"));
    }

    @Test
    void logoutEndsTheSession() {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "g");
        String cookie = Broker.signIn(user.username(), user.password());
        var response = given().cookie("quarkus-credential", cookie).post("/logout");
        response.then().statusCode(204);
        var cleared = response.detailedCookie("quarkus-credential");
        assertNotNull(cleared, "logout sets the cookie to clear it");
        assertTrue(
                cleared.getValue() == null
                        || cleared.getValue().isEmpty()
                        || cleared.getMaxAge() <= 0);
    }

    @Test
    void twoWrongPasswordsThenTheRightOneStillSignsIn() {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "g");
        for (int i = 0; i < 2; i++) {
            postSignIn(user.username(), "wrong-" + i);
        }
        assertTrue(Broker.signIn(user.username(), user.password()).length() > 10);
    }

    @Test
    void apiWithoutSignInAnswers401AndPagesRedirectToTheLoginPage() {
        given().redirects()
                .follow(false)
                .get("/api/v1/me")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().redirects()
                .follow(false)
                .get("/index.html")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login.html"));
    }

    @Test
    void readinessIsUpWithTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** The sign-in form posted as a browser does, the redirect left for the test to check. */
    private static Response postSignIn(String username, String password) {
        return given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("j_username", username)
                .formParam("j_password", password)
                .post("/j_security_check");
    }
}
