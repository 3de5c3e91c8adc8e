package org.atrium.broker.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.atrium.broker.Broker;
import org.atrium.broker.FakeHost;
import org.atrium.broker.Fixtures;
import org.atrium.broker.host.HostSecrets;
import org.atrium.broker.reconciler.PoolReconciler;
import org.atrium.broker.token.SigningKeys;
import org.atrium.broker.token.TokenClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection tokens the gateway must refuse before it contacts the host: expired, replayed, forged
 * (bad signature, {@code alg=none}, unknown kid) and bound to another desktop. Each is presented by
 * the desktop's own signed-in user, so only the token is wrong; a last valid token proves the setup
 * would have been admitted.
 */
@QuarkusTest
class GatewayTokenRefusalTest {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Inject Fixtures fixtures;
    @Inject PoolReconciler reconciler;
    @Inject HostSecrets secrets;
    @Inject SigningKeys keys;
    @Inject ObjectMapper json;
    @Inject Vertx vertx;

    @TestHTTPResource("/")
    URL base;

    private FakeHost host;
    private String hostName;
    private WebSocketClient client;

    @BeforeEach
    void startHost() throws Exception {
        host = FakeHost.start(vertx, secrets.control());
        hostName = Broker.registerHost(host, 200);
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stopHost() {
        fixtures.retireHost(hostName);
        host.close();
        client.close();
    }

    private record Connected(
            String cookie, UUID userId, UUID tenantId, UUID desktopId, String token) {}

    private Connected connect(int desktopsInPool) {
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, desktopsInPool, "staff");
        reconciler.reconcile();
        reconciler.reconcile();
        var user = fixtures.user(tenant.id, "staff");
        String cookie = Broker.signIn(user.username(), user.password());
        var answer =
                given().cookie("quarkus-credential", cookie)
                        .post("/api/v1/pools/" + pool.id + "/connect");
        answer.then().statusCode(200);
        String wsPath = answer.path("wsPath");
        return new Connected(
                cookie,
                user.id(),
                tenant.id,
                UUID.fromString(answer.path("desktopId")),
                wsPath.substring(wsPath.indexOf("token=") + 6));
    }

    private Map<String, Object> claims(Connected c, UUID desktopId, long iat, long exp) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", TokenClaims.ISSUER);
        claims.put("aud", TokenClaims.AUDIENCE);
        claims.put("sub", c.userId().toString());
        claims.put("tid", c.tenantId().toString());
        claims.put("did", desktopId.toString());
        claims.put("hst", hostName);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", iat);
        claims.put("exp", exp);
        return claims;
    }

    private String jws(String alg, String kid, Map<String, Object> claims, PrivateKey key)
            throws Exception {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("typ", "JWT");
        header.put("kid", kid);
        String input =
                B64.encodeToString(json.writeValueAsBytes(header))
                        + "."
                        + B64.encodeToString(json.writeValueAsBytes(claims));
        if (key == null) {
            return input + ".";
        }
        var signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(key);
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signer.sign());
    }

    private static PrivateKey strangersKey() throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair().getPrivate();
    }

    private WebSocket open(UUID desktopId, String token, String cookie) throws Exception {
        var options =
                new WebSocketConnectOptions()
                        .setHost(base.getHost())
                        .setPort(base.getPort())
                        .setURI("/ws/desktops/" + desktopId + "?token=" + token)
                        .addHeader("Cookie", "quarkus-credential=" + cookie);
        return client.connect(options)
                .toCompletionStage()
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    private void refused(String why, Connected c, UUID desktopId, String token) {
        var e =
                assertThrows(
                        ExecutionException.class, () -> open(desktopId, token, c.cookie()), why);
        assertTrue(e.getCause().getMessage().contains("403"), why + ": " + e.getCause());
        assertFalse(host.socketTokens.contains(token), why + ": the host was contacted");
    }

    @Test
    void badTokensAreRefusedAtTheGatewayAndAGoodOneIsAdmittedOnce() throws Exception {
        var c = connect(1);
        var realKey = keys.current();
        long now = Instant.now().getEpochSecond();

        refused(
                "expired",
                c,
                c.desktopId(),
                jws(
                        "ES256",
                        realKey.kid(),
                        claims(c, c.desktopId(), now - 120, now - 60),
                        realKey.privateKey()));
        refused(
                "living longer than 60 s",
                c,
                c.desktopId(),
                jws(
                        "ES256",
                        realKey.kid(),
                        claims(c, c.desktopId(), now, now + 600),
                        realKey.privateKey()));
        refused(
                "bad signature",
                c,
                c.desktopId(),
                jws(
                        "ES256",
                        realKey.kid(),
                        claims(c, c.desktopId(), now, now + 30),
                        strangersKey()));
        refused(
                "alg=none",
                c,
                c.desktopId(),
                jws("none", realKey.kid(), claims(c, c.desktopId(), now, now + 30), null));
        refused(
                "unknown kid",
                c,
                c.desktopId(),
                jws(
                        "ES256",
                        "not-our-kid",
                        claims(c, c.desktopId(), now, now + 30),
                        strangersKey()));
        refused(
                "HS256 with the public key as secret (algorithm confusion)",
                c,
                c.desktopId(),
                jws("HS256", realKey.kid(), claims(c, c.desktopId(), now, now + 30), null)
                        + "AAAA");
        refused("garbage", c, c.desktopId(), "not.a.token");

        // Signed with the broker's key, but naming another desktop than the one opened.
        var other = connect(1);
        refused(
                "bound to another desktop",
                c,
                c.desktopId(),
                jws(
                        "ES256",
                        realKey.kid(),
                        claims(c, other.desktopId(), now, now + 30),
                        realKey.privateKey()));
        refused("another desktop's own token", c, c.desktopId(), other.token());

        // The broker's own token works once, then is a replay.
        open(c.desktopId(), c.token(), c.cookie()).close();
        assertEquals(c.token(), host.socketTokens.getLast());
        int contacts = host.socketTokens.size();
        var e =
                assertThrows(
                        ExecutionException.class, () -> open(c.desktopId(), c.token(), c.cookie()));
        assertTrue(e.getCause().getMessage().contains("403"), "replayed: " + e.getCause());
        assertEquals(contacts, host.socketTokens.size(), "replayed: the host was contacted");
    }
}
