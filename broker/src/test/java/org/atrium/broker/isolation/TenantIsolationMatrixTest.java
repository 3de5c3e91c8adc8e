package org.atrium.broker.isolation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.atrium.broker.Broker;
import org.atrium.broker.FakeHost;
import org.atrium.broker.Fixtures;
import org.atrium.broker.host.HostSecrets;
import org.atrium.broker.reconciler.PoolReconciler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenant isolation matrix (issue 6): every operation of the REST API, taken from the OpenAPI
 * document so a new endpoint fails this test until it is added here, is called against tenant A's
 * pool, desktop, session and tenant by four strangers: a user of tenant B, a tenant admin of tenant
 * B, a user with no tenant, and an anonymous caller. Each answer must be 401, 403 or 404, or, for
 * endpoints that list the caller's own things, the stranger's own (empty) data; and no answer may
 * contain any identifier or name of tenant A. Tenant A's owners then check that nothing of theirs
 * changed.
 */
@QuarkusTest
class TenantIsolationMatrixTest {
    private static final Set<Integer> DENIED = Set.of(401, 403, 404);

    enum Stranger {
        OTHER_TENANT_USER,
        OTHER_TENANT_ADMIN,
        NO_TENANT,
        ANONYMOUS
    }

    /**
     * One operation: its OpenAPI key, the concrete path against tenant A (placeholders {pool},
     * {session}, {desktop}, {tenant}, {host}), a JSON body or null, and what each stranger may get.
     */
    record Op(String key, String path, String body, Map<Stranger, Set<Integer>> allowed) {}

    private static Map<Stranger, Set<Integer>> denied() {
        return Map.of(
                Stranger.OTHER_TENANT_USER, DENIED,
                Stranger.OTHER_TENANT_ADMIN, DENIED,
                Stranger.NO_TENANT, DENIED,
                Stranger.ANONYMOUS, Set.of(401));
    }

    /** Lists or creates the caller's own things: a signed-in stranger gets their own tenant's. */
    private static Map<Stranger, Set<Integer>> own(int userStatus, int adminStatus) {
        return Map.of(
                Stranger.OTHER_TENANT_USER, Set.of(userStatus),
                Stranger.OTHER_TENANT_ADMIN, Set.of(adminStatus),
                Stranger.NO_TENANT, Set.of(401),
                Stranger.ANONYMOUS, Set.of(401));
    }

    private static Map<Stranger, Set<Integer>> everyone(int status) {
        Map<Stranger, Set<Integer>> all = new LinkedHashMap<>();
        for (Stranger s : Stranger.values()) {
            all.put(s, Set.of(status));
        }
        return all;
    }

    private static final String POOL_BODY =
            "{\"name\":\"stranger-pool\",\"kind\":\"POOLED\",\"size\":0,\"warmBuffer\":0,"
                    + "\"memoryMiB\":32,\"bootSource\":\"{}\",\"entitledGroup\":\"staff\"}";
    private static final String HOST_BODY =
            "{\"name\":\"{host}\",\"controlUrl\":\"http://127.0.0.1:1\","
                    + "\"capacity\":{\"memoryMiB\":1,\"vms\":1}}";

    /** The matrix. Keys are "METHOD template" exactly as the OpenAPI document names them. */
    private static final List<Op> MATRIX =
            List.of(
                    new Op("GET /api/v1/me", "/api/v1/me", null, own(200, 200)),
                    new Op("GET /api/v1/pools", "/api/v1/pools", null, own(200, 200)),
                    new Op(
                            "POST /api/v1/pools/{poolId}/connect",
                            "/api/v1/pools/{pool}/connect",
                            null,
                            denied()),
                    new Op("GET /api/v1/desktops", "/api/v1/desktops", null, own(200, 200)),
                    new Op(
                            "POST /api/v1/desktops/{id}/reset",
                            "/api/v1/desktops/{desktop}/reset",
                            null,
                            denied()),
                    new Op("GET /api/v1/sessions", "/api/v1/sessions", null, own(200, 200)),
                    new Op(
                            "GET /api/v1/sessions/{id}",
                            "/api/v1/sessions/{session}",
                            null,
                            denied()),
                    new Op(
                            "POST /api/v1/sessions/{id}/disconnect",
                            "/api/v1/sessions/{session}/disconnect",
                            null,
                            denied()),
                    new Op(
                            "POST /api/v1/sessions/{id}/logoff",
                            "/api/v1/sessions/{session}/logoff",
                            null,
                            denied()),
                    new Op("GET /api/v1/admin/pools", "/api/v1/admin/pools", null, own(403, 200)),
                    new Op(
                            "POST /api/v1/admin/pools",
                            "/api/v1/admin/pools",
                            POOL_BODY,
                            own(403, 201)),
                    new Op(
                            "GET /api/v1/admin/pools/{id}",
                            "/api/v1/admin/pools/{pool}",
                            null,
                            denied()),
                    new Op(
                            "PUT /api/v1/admin/pools/{id}/capacity",
                            "/api/v1/admin/pools/{pool}/capacity",
                            "{\"size\":0,\"warmBuffer\":0}",
                            denied()),
                    new Op(
                            "POST /api/v1/admin/users",
                            "/api/v1/admin/users",
                            null, // body made per call: user names are unique
                            own(403, 201)),
                    new Op(
                            "GET /api/v1/admin/desktops",
                            "/api/v1/admin/desktops",
                            null,
                            own(403, 200)),
                    new Op(
                            "GET /api/v1/admin/sessions",
                            "/api/v1/admin/sessions",
                            null,
                            own(403, 200)),
                    new Op("GET /api/v1/admin/audit", "/api/v1/admin/audit", null, own(403, 200)),
                    new Op(
                            "GET /api/v1/platform/tenants",
                            "/api/v1/platform/tenants",
                            null,
                            denied()),
                    new Op(
                            "POST /api/v1/platform/tenants",
                            "/api/v1/platform/tenants",
                            "{\"name\":\"stranger-tenant\"}",
                            denied()),
                    new Op(
                            "GET /api/v1/platform/tenants/{id}",
                            "/api/v1/platform/tenants/{tenant}",
                            null,
                            denied()),
                    new Op(
                            "POST /api/v1/platform/tenants/{id}/admins",
                            "/api/v1/platform/tenants/{tenant}/admins",
                            "{\"username\":\"stranger-admin\",\"password\":\"long-enough-password\"}",
                            denied()),
                    new Op("GET /api/v1/platform/hosts", "/api/v1/platform/hosts", null, denied()),
                    new Op(
                            "GET /api/v1/platform/hosts/{name}",
                            "/api/v1/platform/hosts/{host}",
                            null,
                            denied()),
                    // Public: the key set holds no tenant data.
                    new Op("GET /api/v1/tokens/jwks", "/api/v1/tokens/jwks", null, everyone(200)),
                    // Public: which sign-in providers the page offers, the same for everyone.
                    new Op(
                            "GET /api/v1/sign-in/options",
                            "/api/v1/sign-in/options",
                            null,
                            everyone(200)),
                    // Hosts authenticate with the registration secret, which no stranger has.
                    new Op(
                            "POST /api/v1/hosts/register",
                            "/api/v1/hosts/register",
                            HOST_BODY,
                            everyone(401)),
                    new Op(
                            "POST /api/v1/hosts/{name}/heartbeat",
                            "/api/v1/hosts/{host}/heartbeat",
                            "{\"freeMemoryMiB\":0,\"vms\":[]}",
                            everyone(401)));

    @Inject Fixtures fixtures;
    @Inject PoolReconciler reconciler;
    @Inject HostSecrets secrets;
    @Inject Vertx vertx;

    @TestHTTPResource("/")
    URL base;

    private FakeHost host;
    private String hostName;

    @BeforeEach
    void startHost() throws Exception {
        host = FakeHost.start(vertx, secrets.control());
        hostName = Broker.registerHost(host, 200);
    }

    @AfterEach
    void stopHost() {
        fixtures.retireHost(hostName);
        host.close();
    }

    /** Tenant A's things, and every string that would betray them in an answer. */
    private record Victim(
            String userCookie,
            String adminCookie,
            Map<String, String> ids,
            List<String> secrets,
            String wsPath) {}

    private Victim victim() {
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, 1, "staff");
        reconciler.reconcile();
        reconciler.reconcile();
        var user = fixtures.user(tenant.id, "staff");
        var admin = fixtures.tenantAdmin(tenant.id, "staff");
        String userCookie = Broker.signIn(user.username(), user.password());
        String adminCookie = Broker.signIn(admin.username(), admin.password());
        Response connect =
                given().cookie("quarkus-credential", userCookie)
                        .post("/api/v1/pools/" + pool.id + "/connect");
        connect.then().statusCode(200);
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("{pool}", pool.id.toString());
        ids.put("{session}", connect.path("sessionId"));
        ids.put("{desktop}", connect.path("desktopId"));
        ids.put("{tenant}", tenant.id.toString());
        ids.put("{host}", hostName);
        List<String> secrets = new ArrayList<>(ids.values());
        secrets.remove(hostName); // hosts are platform resources, not tenant A's
        secrets.addAll(
                List.of(
                        tenant.name,
                        pool.name,
                        user.username(),
                        user.id().toString(),
                        admin.username()));
        return new Victim(userCookie, adminCookie, ids, secrets, connect.path("wsPath"));
    }

    private RequestSpecification as(Stranger stranger, String userCookie, String adminCookie) {
        var spec = given().redirects().follow(false);
        return switch (stranger) {
            case OTHER_TENANT_USER -> spec.cookie("quarkus-credential", userCookie);
            case OTHER_TENANT_ADMIN -> spec.cookie("quarkus-credential", adminCookie);
            case NO_TENANT -> spec.header(NoTenantMechanism.HEADER, "1");
            case ANONYMOUS -> spec;
        };
    }

    private static String fill(String template, Map<String, String> ids) {
        String out = template;
        for (var id : ids.entrySet()) {
            out = out.replace(id.getKey(), id.getValue());
        }
        return out;
    }

    /** Every "METHOD path" of the API as the running broker's OpenAPI document lists it. */
    private static Set<String> documentedOperations() {
        Map<String, Map<String, Object>> paths =
                given().get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("paths");
        Set<String> operations = new TreeSet<>();
        paths.forEach(
                (path, methods) -> {
                    if (path.startsWith("/api/")) {
                        for (String method : methods.keySet()) {
                            if (Set.of("get", "put", "post", "delete", "patch", "head", "options")
                                    .contains(method)) {
                                operations.add(method.toUpperCase() + " " + path);
                            }
                        }
                    }
                });
        return operations;
    }

    @Test
    void theMatrixCoversExactlyTheDocumentedApi() {
        Set<String> inMatrix = new TreeSet<>();
        MATRIX.forEach(op -> assertTrue(inMatrix.add(op.key()), "listed twice: " + op.key()));
        Set<String> documented = documentedOperations();
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(inMatrix);
        Set<String> stale = new TreeSet<>(inMatrix);
        stale.removeAll(documented);
        assertEquals(Set.of(), missing, "API operations missing from the isolation matrix");
        assertEquals(Set.of(), stale, "matrix operations the API no longer has");
    }

    @Test
    void strangersGetNothingOfAnotherTenant() {
        Victim victim = victim();
        var otherTenant = fixtures.tenant();
        fixtures.pool(otherTenant.id, 0, "staff");
        var otherUser = fixtures.user(otherTenant.id, "staff");
        var otherAdmin = fixtures.tenantAdmin(otherTenant.id, "staff");
        String userCookie = Broker.signIn(otherUser.username(), otherUser.password());
        String adminCookie = Broker.signIn(otherAdmin.username(), otherAdmin.password());

        List<String> failures = new ArrayList<>();
        for (Op op : MATRIX) {
            String method = op.key().substring(0, op.key().indexOf(' '));
            String path = fill(op.path(), victim.ids());
            for (Stranger stranger : Stranger.values()) {
                var spec = as(stranger, userCookie, adminCookie);
                String body =
                        op.key().equals("POST /api/v1/admin/users")
                                ? "{\"username\":\"s-"
                                        + UUID.randomUUID().toString().substring(0, 8)
                                        + "\",\"password\":\"long-enough-password\","
                                        + "\"groups\":[\"staff\"]}"
                                : op.body();
                if (body != null) {
                    spec.contentType(ContentType.JSON).body(fill(body, victim.ids()));
                }
                Response response = spec.request(method, path);
                String where = stranger + " " + method + " " + path;
                int status = response.statusCode();
                if (!op.allowed().get(stranger).contains(status)) {
                    failures.add(where + " answered " + status + ": " + response.asString());
                }
                if (status >= 400
                        && !response.contentType().startsWith("application/problem+json")) {
                    failures.add(
                            where + " error is not a problem detail: " + response.contentType());
                }
                String text = response.asString();
                for (String secret : victim.secrets()) {
                    // An id the stranger sent may be echoed back ("no pool …"): they knew it.
                    if (text.contains(secret) && !path.contains(secret)) {
                        failures.add(where + " leaked " + secret + ": " + text);
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " isolation failures:\n" + String.join("\n", failures));
        }

        // Nothing of tenant A changed: its user's session is live, its pool keeps its size.
        given().cookie("quarkus-credential", victim.userCookie())
                .get("/api/v1/sessions/" + victim.ids().get("{session}"))
                .then()
                .statusCode(200)
                .body("state", equalTo("CONNECTED"));
        given().cookie("quarkus-credential", victim.adminCookie())
                .get("/api/v1/admin/pools/" + victim.ids().get("{pool}"))
                .then()
                .statusCode(200)
                .body("size", equalTo(1));
    }

    @Test
    void strangersCannotOpenAnotherTenantsDesktopSocket() throws Exception {
        Victim victim = victim();
        var otherTenant = fixtures.tenant();
        var otherUser = fixtures.user(otherTenant.id, "staff");
        var otherAdmin = fixtures.tenantAdmin(otherTenant.id, "staff");
        String userCookie = Broker.signIn(otherUser.username(), otherUser.password());
        String adminCookie = Broker.signIn(otherAdmin.username(), otherAdmin.password());
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            for (Stranger stranger : Stranger.values()) {
                // Even holding tenant A's valid token, the stranger's identity does not match it.
                var options =
                        new WebSocketConnectOptions()
                                .setHost(base.getHost())
                                .setPort(base.getPort())
                                .setURI(victim.wsPath());
                switch (stranger) {
                    case OTHER_TENANT_USER ->
                            options.addHeader("Cookie", "quarkus-credential=" + userCookie);
                    case OTHER_TENANT_ADMIN ->
                            options.addHeader("Cookie", "quarkus-credential=" + adminCookie);
                    case NO_TENANT -> options.addHeader(NoTenantMechanism.HEADER, "1");
                    case ANONYMOUS -> {}
                }
                try {
                    client.connect(options)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(20, TimeUnit.SECONDS);
                    fail(stranger + " opened tenant A's desktop socket");
                } catch (ExecutionException e) {
                    String message = e.getCause().getMessage();
                    assertTrue(
                            message.contains("401") || message.contains("403"),
                            stranger + ": " + message);
                }
            }
            assertFalse(
                    host.socketTokens.stream().anyMatch(victim.wsPath()::endsWith),
                    "the host was contacted for a stranger");
        } finally {
            client.close();
        }
    }
}
