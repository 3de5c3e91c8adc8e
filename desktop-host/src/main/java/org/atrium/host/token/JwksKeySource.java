package org.atrium.host.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The broker's keys from its JWKS ({@code GET {broker}/api/v1/tokens/jwks}), cached; an unknown kid
 * triggers a refresh (the broker rotated its key), at most once per {@link #MIN_REFRESH} so tokens
 * with made-up kids cannot make the host hammer the broker. Fetches are asynchronous.
 */
public final class JwksKeySource implements KeySource {
    private static final System.Logger LOG = System.getLogger(JwksKeySource.class.getName());
    static final Duration MIN_REFRESH = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI jwks;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Map<String, ECPublicKey> cache = Map.of();
    private CompletableFuture<Map<String, ECPublicKey>> refreshing;
    private long lastRefresh = Long.MIN_VALUE;

    public JwksKeySource(HttpClient http, URI brokerUrl, Clock clock) {
        this.http = http;
        this.jwks = brokerUrl.resolve("/api/v1/tokens/jwks");
        this.clock = clock;
    }

    @Override
    public CompletionStage<Optional<ECPublicKey>> key(String kid) {
        ECPublicKey known = cache.get(kid);
        if (known != null) return CompletableFuture.completedFuture(Optional.of(known));
        return refresh().thenApply(keys -> Optional.ofNullable(keys.get(kid)));
    }

    private synchronized CompletableFuture<Map<String, ECPublicKey>> refresh() {
        if (refreshing != null) return refreshing;
        long now = clock.millis();
        if (lastRefresh != Long.MIN_VALUE && now - lastRefresh < MIN_REFRESH.toMillis()) {
            return CompletableFuture.completedFuture(cache);
        }
        lastRefresh = now;
        HttpRequest request =
                HttpRequest.newBuilder(jwks).timeout(Duration.ofSeconds(5)).GET().build();
        refreshing =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .thenApply(
                                response -> {
                                    if (response.statusCode() != 200) {
                                        throw new TokenRejectedException(
                                                "JWKS answered HTTP " + response.statusCode());
                                    }
                                    return parse(response.body());
                                })
                        .whenComplete(
                                (keys, error) -> {
                                    synchronized (this) {
                                        refreshing = null;
                                        if (keys != null) cache = keys;
                                    }
                                    if (error != null) {
                                        LOG.log(
                                                System.Logger.Level.WARNING,
                                                "JWKS fetch from {0} failed: {1}",
                                                jwks,
                                                error.toString());
                                    }
                                });
        return refreshing;
    }

    /** The P-256 signing keys of a JWKS document; other keys are skipped. */
    Map<String, ECPublicKey> parse(String body) {
        Map<String, ECPublicKey> keys = new HashMap<>();
        try {
            for (JsonNode k : json.readTree(body).path("keys")) {
                if (!"EC".equals(k.path("kty").asText()) || !"P-256".equals(k.path("crv").asText()))
                    continue;
                if (k.has("use") && !"sig".equals(k.path("use").asText())) continue;
                String kid = k.path("kid").asText("");
                if (kid.isEmpty()) continue;
                try {
                    keys.put(kid, EcKeys.publicKey(k.path("x").asText(), k.path("y").asText()));
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "JWKS key {0} skipped: {1}",
                            kid,
                            e.getMessage());
                }
            }
        } catch (java.io.IOException e) {
            throw new TokenRejectedException("JWKS is not JSON");
        }
        return Map.copyOf(keys);
    }
}
