package org.atrium.host.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks connection tokens (docs/architecture.md): a compact JWS, ES256 with a {@code kid}, issued
 * by the broker for the audience {@code atrium-host}, bound to one desktop (= VM) and one host,
 * valid at most 60 s, used once. Verification order puts the cheap, key-free checks last only where
 * they need the signature first: nothing in an unsigned payload is trusted.
 */
public final class ConnectionTokenVerifier {
    public static final String ISSUER = "atrium-broker";
    public static final String AUDIENCE = "atrium-host";
    static final long MAX_LIFETIME_SECONDS = 60;
    static final long CLOCK_SKEW_SECONDS = 5;
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final KeySource keys;
    private final String hostName;
    private final JtiRegistry jtis;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public ConnectionTokenVerifier(KeySource keys, String hostName, JtiRegistry jtis, Clock clock) {
        this.keys = keys;
        this.hostName = hostName;
        this.jtis = jtis;
        this.clock = clock;
    }

    /** The token's claims if it admits a connection to {@code vmId}, else a failed stage. */
    public CompletionStage<ConnectionClaims> verify(String token, String vmId) {
        try {
            if (token == null || token.isEmpty()) throw new TokenRejectedException("no token");
            if (token.length() > MAX_TOKEN_LENGTH)
                throw new TokenRejectedException("token too long");
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3) throw new TokenRejectedException("not a compact JWS");
            JsonNode header = parse(parts[0]);
            if (!"ES256".equals(header.path("alg").asText())) {
                throw new TokenRejectedException("alg must be ES256");
            }
            String kid = header.path("kid").asText("");
            if (kid.isEmpty()) throw new TokenRejectedException("no kid");
            byte[] signature = decode(parts[2]);
            byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            return keys.key(kid)
                    .thenApply(
                            key -> {
                                if (key.isEmpty())
                                    throw new TokenRejectedException("unknown kid " + kid);
                                checkSignature(key.get(), signed, signature);
                                return checkClaims(parse(parts[1]), vmId);
                            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void checkSignature(ECPublicKey key, byte[] signed, byte[] signature) {
        if (signature.length != 64) throw new TokenRejectedException("bad signature length");
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(signed);
            if (!verifier.verify(EcKeys.rawToDer(signature))) {
                throw new TokenRejectedException("bad signature");
            }
        } catch (GeneralSecurityException e) {
            throw new TokenRejectedException("bad signature: " + e.getMessage());
        }
    }

    private ConnectionClaims checkClaims(JsonNode claims, String vmId) {
        long now = clock.instant().getEpochSecond();
        if (!ISSUER.equals(claims.path("iss").asText()))
            throw new TokenRejectedException("wrong issuer");
        JsonNode aud = claims.path("aud");
        boolean audienceOk =
                aud.isTextual()
                        ? AUDIENCE.equals(aud.asText())
                        : aud.isArray()
                                && aud.valueStream().anyMatch(a -> AUDIENCE.equals(a.asText()));
        if (!audienceOk) throw new TokenRejectedException("wrong audience");
        if (!vmId.equals(claims.path("did").asText())) {
            throw new TokenRejectedException("token is for another desktop");
        }
        if (!hostName.equals(claims.path("hst").asText())) {
            throw new TokenRejectedException("token is for another host");
        }
        if (!claims.path("iat").canConvertToLong() || !claims.path("exp").canConvertToLong()) {
            throw new TokenRejectedException("iat and exp must be numbers");
        }
        long iat = claims.path("iat").asLong();
        long exp = claims.path("exp").asLong();
        if (exp <= now) throw new TokenRejectedException("token expired");
        if (iat > now + CLOCK_SKEW_SECONDS)
            throw new TokenRejectedException("token issued in the future");
        if (exp - iat > MAX_LIFETIME_SECONDS || exp < iat) {
            throw new TokenRejectedException("token lifetime over " + MAX_LIFETIME_SECONDS + " s");
        }
        String jti = claims.path("jti").asText("");
        if (jti.isEmpty()) throw new TokenRejectedException("no jti");
        if (!jtis.firstUse(jti, exp, now)) throw new TokenRejectedException("token already used");
        return new ConnectionClaims(
                claims.path("sub").asText(),
                claims.path("tid").asText(),
                vmId,
                hostName,
                jti,
                iat,
                exp);
    }

    private JsonNode parse(String part) {
        try {
            JsonNode node = json.readTree(decode(part));
            if (node == null || !node.isObject())
                throw new TokenRejectedException("JWS part is not a JSON object");
            return node;
        } catch (java.io.IOException e) {
            throw new TokenRejectedException("JWS part is not JSON");
        }
    }

    private static byte[] decode(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException("JWS part is not base64url");
        }
    }
}
