package org.atrium.broker.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.atrium.broker.config.BrokerConfig;

/**
 * Issues and checks connection tokens: compact JWS, ES256 (RFC 7518 §3.4: the signature is R||S,
 * which the JDK's {@code SHA256withECDSAinP1363Format} produces and reads directly, no DER step).
 */
@ApplicationScoped
public class TokenService {
    private static final String JWS_ALGORITHM = "SHA256withECDSAinP1363Format";
    private static final long MAX_TTL_SECONDS = 60;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SigningKeys keys;
    private final ObjectMapper json;
    private final BrokerConfig config;

    public TokenService(SigningKeys keys, ObjectMapper json, BrokerConfig config) {
        this.keys = keys;
        this.json = json;
        this.config = config;
    }

    public String issue(UUID userId, UUID tenantId, UUID desktopId, String hostName) {
        return issue(userId, tenantId, desktopId, hostName, Instant.now());
    }

    String issue(UUID userId, UUID tenantId, UUID desktopId, String hostName, Instant now) {
        long ttl = Math.min(MAX_TTL_SECONDS, Math.max(1, config.tokens().ttl().toSeconds()));
        var key = keys.current();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", "JWT");
        header.put("kid", key.kid());
        var claims =
                new TokenClaims(
                        TokenClaims.ISSUER,
                        TokenClaims.AUDIENCE,
                        userId,
                        tenantId,
                        desktopId,
                        hostName,
                        UUID.randomUUID().toString(),
                        now.getEpochSecond(),
                        now.getEpochSecond() + ttl);
        try {
            String signingInput =
                    B64.encodeToString(json.writeValueAsBytes(header))
                            + "."
                            + B64.encodeToString(json.writeValueAsBytes(claims));
            var signer = Signature.getInstance(JWS_ALGORITHM);
            signer.initSign(key.privateKey());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signer.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a connection token", e);
        }
    }

    /**
     * Checks signature, issuer, audience, expiry and the desktop binding; does not consume the
     * token (see {@link #consume}).
     */
    public TokenClaims verify(String token, UUID desktopId) {
        return verify(token, desktopId, Instant.now());
    }

    TokenClaims verify(String token, UUID desktopId, Instant now) {
        if (token == null || token.length() > 4096) {
            throw new TokenException("no token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new TokenException("not a compact JWS");
        }
        TokenClaims claims;
        try {
            JsonNode header = json.readTree(B64D.decode(parts[0]));
            var key = keys.current();
            if (!"ES256".equals(header.path("alg").asText())
                    || !key.kid().equals(header.path("kid").asText())) {
                throw new TokenException("unknown algorithm or key");
            }
            if (!signatureValid(key.publicKey(), parts)) {
                throw new TokenException("bad signature");
            }
            claims = json.readValue(B64D.decode(parts[1]), TokenClaims.class);
        } catch (IllegalArgumentException | IOException e) {
            throw new TokenException("malformed token");
        }
        if (!TokenClaims.ISSUER.equals(claims.iss())
                || !TokenClaims.AUDIENCE.equals(claims.aud())) {
            throw new TokenException("wrong issuer or audience");
        }
        if (claims.exp() <= now.getEpochSecond() || claims.exp() - claims.iat() > MAX_TTL_SECONDS) {
            throw new TokenException("expired");
        }
        if (claims.did() == null || !claims.did().equals(desktopId)) {
            throw new TokenException("token is for another desktop");
        }
        if (claims.jti() == null || claims.sub() == null || claims.tid() == null) {
            throw new TokenException("missing claims");
        }
        return claims;
    }

    /** Records the token as used; a second use is refused. */
    @Transactional
    public void consume(TokenClaims claims) {
        int inserted =
                ConsumedToken.getEntityManager()
                        .createNativeQuery(
                                "insert into consumed_token (jti, expires_at, consumed_at) values"
                                        + " (?1, ?2, ?3) on conflict (jti) do nothing")
                        .setParameter(1, claims.jti())
                        .setParameter(2, Instant.ofEpochSecond(claims.exp()))
                        .setParameter(3, Instant.now())
                        .executeUpdate();
        if (inserted != 1) {
            throw new TokenException("token already used");
        }
    }

    /** Forgets consumed tokens that have expired anyway. */
    @Transactional
    public long purgeExpired() {
        return ConsumedToken.delete("expiresAt < ?1", Instant.now());
    }

    /** The public key as a JSON Web Key Set (RFC 7517). */
    public Map<String, Object> jwks() {
        var key = keys.current();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("kid", key.kid());
        jwk.put("x", B64.encodeToString(coordinate(key.publicKey().getW().getAffineX())));
        jwk.put("y", B64.encodeToString(coordinate(key.publicKey().getW().getAffineY())));
        return Map.of("keys", List.of(jwk));
    }

    private static boolean signatureValid(ECPublicKey publicKey, String[] parts)
            throws IOException {
        try {
            var verifier = Signature.getInstance(JWS_ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(B64D.decode(parts[2]));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A P-256 coordinate as exactly 32 unsigned big-endian bytes. */
    private static byte[] coordinate(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
