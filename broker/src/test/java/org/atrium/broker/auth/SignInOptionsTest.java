package org.atrium.broker.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Without OIDC configured the sign-in page offers the built-in accounts' form only. */
@QuarkusTest
class SignInOptionsTest {
    @Test
    void noProviderWhenOidcIsOff() {
        given().get("/api/v1/sign-in/options").then().statusCode(200).body("providers", empty());
    }

    @Test
    void theProviderLinkLeadsToTheSignInPageWhenOidcIsOff() {
        given().redirects()
                .follow(false)
                .get("/oidc/login")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login.html"));
    }
}
