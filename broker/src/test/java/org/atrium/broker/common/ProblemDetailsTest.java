package org.atrium.broker.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.atrium.broker.Broker;
import org.atrium.broker.Fixtures;
import org.junit.jupiter.api.Test;

/** Every error of the API is a problem detail; pages still send anonymous browsers to sign in. */
@QuarkusTest
class ProblemDetailsTest {
    @Inject Fixtures fixtures;

    private static void problem(io.restassured.response.Response response, int status) {
        response.then()
                .statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    @Test
    void anonymousApiCallsAnswer401NotARedirect() {
        problem(given().redirects().follow(false).get("/api/v1/pools"), 401);
        problem(given().redirects().follow(false).get("/api/v1/me"), 401);
        problem(given().redirects().follow(false).post("/api/v1/sessions/x/logoff"), 401);
    }

    @Test
    void anonymousPagesStillRedirectToSignIn() {
        given().redirects()
                .follow(false)
                .get("/")
                .then()
                .statusCode(302)
                .header("Location", containsString("/login.html"));
    }

    @Test
    void wrongRoleIs403UnknownPathIs404WrongMethodIs405() {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "staff");
        String cookie = Broker.signIn(user.username(), user.password());
        problem(given().cookie("quarkus-credential", cookie).get("/api/v1/admin/pools"), 403);
        problem(given().cookie("quarkus-credential", cookie).get("/api/v1/platform/tenants"), 403);
        problem(given().cookie("quarkus-credential", cookie).get("/api/v1/no-such-thing"), 404);
        problem(given().cookie("quarkus-credential", cookie).delete("/api/v1/pools"), 405);
        problem(
                given().cookie("quarkus-credential", cookie).get("/api/v1/sessions/not-a-uuid"),
                404);
    }

    @Test
    void wrongMediaTypeIs415AndMalformedJsonIs400() {
        var tenant = fixtures.tenant();
        var admin = fixtures.tenantAdmin(tenant.id, "staff");
        String cookie = Broker.signIn(admin.username(), admin.password());
        problem(
                given().cookie("quarkus-credential", cookie)
                        .contentType(ContentType.TEXT)
                        .body("hello")
                        .post("/api/v1/admin/pools"),
                415);
        problem(
                given().cookie("quarkus-credential", cookie)
                        .contentType(ContentType.JSON)
                        .body("{\"name\": ")
                        .post("/api/v1/admin/pools"),
                400);
        problem(
                given().cookie("quarkus-credential", cookie)
                        .contentType(ContentType.JSON)
                        .body("{\"name\": \"p\", \"size\": \"many\"}")
                        .post("/api/v1/admin/pools"),
                400);
        problem(
                given().cookie("quarkus-credential", cookie)
                        .contentType(ContentType.JSON)
                        .body("{\"name\": \"p\", \"kind\": \"POOLED\", \"size\": -1}")
                        .post("/api/v1/admin/pools"),
                400);
    }

    @Test
    void openApiSwaggerAndMetricsAreServed() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths.'/api/v1/pools/{poolId}/connect'", notNullValue());
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("atrium_sessions_active"))
                .body(containsString("atrium_assignment_seconds"));
    }
}
