package org.atrium.host.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionTokenVerifierTest {
    static final long NOW = 1_800_000_000L;
    private final TestTokens broker = new TestTokens("k1");
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final ConnectionTokenVerifier verifier =
            new ConnectionTokenVerifier(
                    kid ->
                            CompletableFuture.completedFuture(
                                    kid.equals("k1")
                                            ? Optional.of(broker.publicKey())
                                            : Optional.empty()),
                    "host-a",
                    new JtiRegistry(),
                    clock);

    private String rejection(String token, String vm) {
        ExecutionException e =
                assertThrows(
                        ExecutionException.class,
                        () -> verifier.verify(token, vm).toCompletableFuture().get());
        assertInstanceOf(TokenRejectedException.class, e.getCause());
        return e.getCause().getMessage();
    }

    @Test
    void validTokenAdmitsOnce() throws Exception {
        String token = broker.token("vm-1", "host-a", "j1", NOW - 5, NOW + 30);
        ConnectionClaims claims = verifier.verify(token, "vm-1").toCompletableFuture().get();
        assertEquals("u1", claims.userId());
        assertEquals("t1", claims.tenantId());
        assertEquals("vm-1", claims.desktopId());
        assertEquals("token already used", rejection(token, "vm-1"));
    }

    @Test
    void expiredTokenIsRefused() {
        assertEquals(
                "token expired",
                rejection(broker.token("vm-1", "host-a", "j2", NOW - 60, NOW), "vm-1"));
    }

    @Test
    void tokenLivingOverSixtySecondsIsRefused() {
        assertTrue(
                rejection(broker.token("vm-1", "host-a", "j3", NOW - 1, NOW + 60), "vm-1")
                        .contains("lifetime"));
    }

    @Test
    void tokenForAnotherVmOrHostIsRefused() {
        assertEquals(
                "token is for another desktop",
                rejection(broker.token("vm-2", "host-a", "j4", NOW, NOW + 30), "vm-1"));
        assertEquals(
                "token is for another host",
                rejection(broker.token("vm-1", "host-b", "j5", NOW, NOW + 30), "vm-1"));
    }

    @Test
    void forgedTokensAreRefused() {
        TestTokens forger = new TestTokens("k1"); // same kid, different key
        assertEquals(
                "bad signature",
                rejection(forger.token("vm-1", "host-a", "j6", NOW, NOW + 30), "vm-1"));
        // A valid token with its claims swapped for others keeps the old signature.
        String[] good = broker.token("vm-1", "host-a", "j7", NOW, NOW + 30).split("\\.");
        String[] other = broker.token("vm-9", "host-a", "j7", NOW, NOW + 30).split("\\.");
        assertEquals("bad signature", rejection(good[0] + "." + other[1] + "." + good[2], "vm-9"));
        String none =
                TestTokens.b64("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8))
                        + "."
                        + good[1]
                        + ".";
        assertEquals("alg must be ES256", rejection(none, "vm-1"));
        assertEquals(
                "unknown kid k2",
                rejection(
                        new TestTokens("k2").token("vm-1", "host-a", "j8", NOW, NOW + 30), "vm-1"));
        assertEquals("not a compact JWS", rejection("garbage", "vm-1"));
        assertEquals("JWS part is not base64url", rejection("a.b.c%", "vm-1"));
    }

    @Test
    void derAndRawSignaturesConvertBothWays() {
        byte[] raw = new byte[64];
        raw[0] = (byte) 0x80; // R needs a sign byte
        raw[63] = 1; // S is tiny: leading zeros dropped
        byte[] der = EcKeys.rawToDer(raw);
        assertEquals(0x30, der[0]);
        assertEquals(33, der[3]);
        assertArrayEquals(raw, EcKeys.derToRaw(der));
    }

    @Test
    void jwksIsFetchedAndRefreshedOnUnknownKid() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        TestTokens rotated = new TestTokens("k-new");
        String[] body = {broker.jwks()};
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext(
                "/api/v1/tokens/jwks",
                ex -> {
                    fetches.incrementAndGet();
                    byte[] b = body[0].getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                    ex.close();
                });
        http.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            Clock[] time = {clock};
            Clock moving =
                    new Clock() {
                        public java.time.ZoneId getZone() {
                            return ZoneOffset.UTC;
                        }

                        public Clock withZone(java.time.ZoneId zone) {
                            return this;
                        }

                        public Instant instant() {
                            return time[0].instant();
                        }
                    };
            JwksKeySource keys =
                    new JwksKeySource(
                            client,
                            URI.create("http://127.0.0.1:" + http.getAddress().getPort()),
                            moving);
            assertEquals(
                    broker.publicKey(), keys.key("k1").toCompletableFuture().get().orElseThrow());
            assertEquals(
                    broker.publicKey(), keys.key("k1").toCompletableFuture().get().orElseThrow());
            assertEquals(1, fetches.get(), "cached");
            body[0] = rotated.jwks();
            // Unknown kids within the refresh interval do not reach the broker.
            assertTrue(keys.key("k-new").toCompletableFuture().get().isEmpty());
            assertEquals(1, fetches.get());
            time[0] = Clock.offset(clock, JwksKeySource.MIN_REFRESH.plusSeconds(1));
            assertEquals(
                    rotated.publicKey(),
                    keys.key("k-new").toCompletableFuture().get().orElseThrow());
            assertEquals(2, fetches.get());
        } finally {
            http.stop(0);
        }
    }
}
