package org.atrium.broker.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.atrium.broker.Broker;
import org.atrium.broker.Fixtures;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.Role;
import org.atrium.provisioning.identity.UserAccount;
import org.atrium.provisioning.pool.Pool;
import org.atrium.provisioning.tenant.Tenant;
import org.atrium.provisioning.tenant.TenantService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * OIDC sign-in end to end against a real Keycloak (realm {@code keycloak/atrium-realm.json}): alice
 * of tenant acme (user, tenant-admin; group acme-users), bob of globex (user; globex-users,
 * globex-finance), mallory, whose token names a tenant Atrium does not have, dave, whose token
 * names none, and carol of acme, whose user name a built-in account takes in one test. The flow is
 * driven over HTTP as a browser would: broker → Keycloak's login form → back to the broker.
 */
@QuarkusTest
@WithTestResource(KeycloakTestResource.class)
@Tag("keycloak")
class OidcSignInTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject OidcSignInConfig config;
    @Inject Fixtures fixtures;
    @Inject TenantService tenants;
    @Inject IdentityService identities;

    private Tenant acme;
    private Tenant globex;

    @BeforeEach
    void tenantsTheRealmNames() {
        acme = tenants.findByName("acme").orElseGet(() -> tenants.create("acme", "Acme"));
        globex = tenants.findByName("globex").orElseGet(() -> tenants.create("globex", "Globex"));
    }

    @Test
    void aliceSignsInThroughKeycloakIntoHerTenant() throws Exception {
        Pool acmePool = fixtures.pool(acme.id, 0, "acme-users");
        Pool globexPool = fixtures.pool(globex.id, 0, "globex-users");
        var browser = new CodeFlowBrowser();

        var loginPage = browser.open(uri("/oidc/login"));
        assertEquals(200, loginPage.status());
        assertTrue(
                loginPage.uri().getPath().startsWith("/realms/atrium/"),
                "the broker sent the browser to Keycloak: " + loginPage.hops());

        var portal = browser.signInAtKeycloak(loginPage, "alice", "alice-password-1");
        assertEquals(200, portal.status(), "hops " + portal.hops());
        assertEquals(uri("/"), portal.uri(), "back at the portal after " + portal.hops());

        JsonNode me = json(browser.open(uri("/api/v1/me"), "application/json"));
        assertEquals("alice", me.get("username").asText());
        assertEquals("acme", me.get("tenant").asText());
        assertEquals(List.of("tenant-admin", "user"), texts(me.get("roles")));

        List<String> pools = names(json(browser.open(uri("/api/v1/pools"), "application/json")));
        assertTrue(pools.contains(acmePool.name), "alice sees her tenant's pool: " + pools);
        assertFalse(pools.contains(globexPool.name), "alice never sees globex's pool: " + pools);
    }

    @Test
    void bobSeesOnlyGlobexPoolsOfHisGroups() throws Exception {
        Pool acmePool = fixtures.pool(acme.id, 0, "acme-users");
        Pool financePool = fixtures.pool(globex.id, 0, "globex-finance");
        Pool salesPool = fixtures.pool(globex.id, 0, "globex-sales");
        var browser = new CodeFlowBrowser();

        var portal =
                browser.signInAtKeycloak(browser.open(uri("/oidc/login")), "bob", "bob-password-1");
        assertEquals(uri("/"), portal.uri(), "back at the portal after " + portal.hops());

        JsonNode me = json(browser.open(uri("/api/v1/me"), "application/json"));
        assertEquals("bob", me.get("username").asText());
        assertEquals("globex", me.get("tenant").asText());
        assertEquals(List.of("user"), texts(me.get("roles")));

        List<String> pools = names(json(browser.open(uri("/api/v1/pools"), "application/json")));
        assertTrue(pools.contains(financePool.name), "bob's group's pool: " + pools);
        assertFalse(pools.contains(salesPool.name), "a group bob is not in: " + pools);
        assertFalse(pools.contains(acmePool.name), "another tenant: " + pools);
    }

    @Test
    void aPersonSignsInWithTheSignInPagesProviderLink() throws Exception {
        ChromeDriver chromium = HeadlessChromium.start();
        try {
            var wait = new WebDriverWait(chromium, Duration.ofSeconds(60));
            chromium.get(uri("/login.html").toString());
            var link =
                    wait.until(
                            ExpectedConditions.visibilityOfElementLocated(By.id("provider-link")));
            assertEquals("Sign in with Keycloak", link.getText());
            link.click();

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                    .sendKeys("alice");
            chromium.findElement(By.id("password")).sendKeys("alice-password-1");
            chromium.findElement(By.id("kc-login")).click();

            wait.until(ExpectedConditions.textToBe(By.id("user-name"), "alice"));
            assertEquals(uri("/"), URI.create(chromium.getCurrentUrl()));
        } finally {
            chromium.quit();
        }
    }

    @Test
    void firstSignInProvisionsTheAccountOnceAndLaterOnesReuseIt() throws Exception {
        for (int i = 0; i < 2; i++) {
            var browser = new CodeFlowBrowser();
            var portal =
                    browser.signInAtKeycloak(
                            browser.open(uri("/oidc/login")), "alice", "alice-password-1");
            assertEquals(uri("/"), portal.uri(), "back at the portal after " + portal.hops());
        }
        List<UserAccount> accounts =
                QuarkusTransaction.requiringNew()
                        .call(() -> UserAccount.<UserAccount>list("username", "alice"));
        assertEquals(1, accounts.size());
        var account = accounts.getFirst();
        assertEquals(acme.id, account.tenantId);
        assertTrue(
                account.externalId.startsWith(config.issuer().orElseThrow() + "|"),
                "the subject is the issuer's: " + account.externalId);
        assertEquals(null, account.passwordHash, "no password of its own");
    }

    @Test
    void logoutEndsTheOidcSession() throws Exception {
        var browser = new CodeFlowBrowser();
        var portal =
                browser.signInAtKeycloak(browser.open(uri("/oidc/login")), "bob", "bob-password-1");
        assertEquals(uri("/"), portal.uri(), "back at the portal after " + portal.hops());
        assertEquals(200, browser.open(uri("/api/v1/me"), "application/json").status());

        assertEquals(204, browser.post(uri("/logout")));
        var me = browser.open(uri("/api/v1/me"));
        assertEquals(401, me.status(), "signed out: " + me.hops());
    }

    @Test
    void wrongPasswordAtKeycloakDoesNotSignIn() throws Exception {
        var browser = new CodeFlowBrowser();
        var again =
                browser.signInAtKeycloak(
                        browser.open(uri("/oidc/login")), "alice", "not-alice-password");
        assertEquals(200, again.status());
        assertTrue(
                again.uri().getPath().startsWith("/realms/atrium/"),
                "still at Keycloak: " + again.hops());
        assertTrue(again.body().contains("kc-form-login"), "Keycloak shows its form again");

        var me = browser.open(uri("/api/v1/me"));
        assertEquals(401, me.status(), "not signed in at the broker: " + me.hops());
    }

    @Test
    void tokenNamingAnUnknownTenantIsRefusedWithAMessage() throws Exception {
        var browser = new CodeFlowBrowser();
        var page =
                browser.signInAtKeycloak(
                        browser.open(uri("/oidc/login")), "mallory", "mallory-password-1");
        assertEquals(uri("/login.html?error=unknown-tenant"), page.uri(), "hops " + page.hops());
        assertEquals(200, page.status());

        var me = browser.open(uri("/api/v1/me"));
        assertEquals(401, me.status(), "not signed in: " + me.hops());
        assertEquals(
                0L,
                (long)
                        QuarkusTransaction.requiringNew()
                                .call(() -> UserAccount.count("username", "mallory")));
    }

    @Test
    void tokenWithoutATenantIsRefused() throws Exception {
        var browser = new CodeFlowBrowser();
        var page =
                browser.signInAtKeycloak(
                        browser.open(uri("/oidc/login")), "dave", "dave-password-1");
        assertEquals(uri("/login.html?error=unknown-tenant"), page.uri(), "hops " + page.hops());
    }

    @Test
    void userNameOfABuiltInAccountIsNotTakenOver() throws Exception {
        var builtIn =
                identities.createUser(
                        acme.id,
                        "carol",
                        "carol-built-in-password",
                        List.of(Role.USER, Role.TENANT_ADMIN),
                        List.of("acme-users"));
        var browser = new CodeFlowBrowser();
        var page =
                browser.signInAtKeycloak(
                        browser.open(uri("/oidc/login")), "carol", "carol-password-1");
        assertEquals(uri("/login.html?error=oidc-refused"), page.uri(), "hops " + page.hops());
        var me = browser.open(uri("/api/v1/me"));
        assertEquals(401, me.status(), "not signed in: " + me.hops());
        // The built-in account is untouched and still signs in with its own password.
        String cookie = Broker.signIn("carol", "carol-built-in-password");
        given().cookie("quarkus-credential", cookie)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("roles", contains("tenant-admin", "user"));
        assertEquals(builtIn.userId(), identities.findByUsername("carol").orElseThrow().userId());
    }

    @Test
    void builtInAccountsStillSignInWithTheForm() {
        var tenant = fixtures.tenant();
        var user = fixtures.user(tenant.id, "g");
        String cookie = Broker.signIn(user.username(), user.password());
        given().cookie("quarkus-credential", cookie)
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("username", equalTo(user.username()));
    }

    @Test
    void visitorsWithoutASessionStillGoToTheSignInPage() {
        given().redirects()
                .follow(false)
                .get("/")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login.html"));
        // The API answers a problem instead of redirecting (docs/broker.md, "Sign-in").
        given().redirects().follow(false).get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void signInPageOffersKeycloak() {
        given().get("/api/v1/sign-in/options")
                .then()
                .statusCode(200)
                .body("providers[0].name", equalTo("Keycloak"))
                .body("providers[0].path", equalTo("/oidc/login"));
    }

    private URI uri(String path) throws Exception {
        return base.toURI().resolve(path);
    }

    private static JsonNode json(CodeFlowBrowser.Page page) throws Exception {
        assertEquals(200, page.status(), page.uri() + " after " + page.hops() + ": " + page.body());
        return JSON.readTree(page.body());
    }

    private static List<String> texts(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static List<String> names(JsonNode pools) {
        var out = new ArrayList<String>();
        pools.forEach(pool -> out.add(pool.get("name").asText()));
        return out;
    }
}
