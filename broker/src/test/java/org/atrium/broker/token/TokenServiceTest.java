package org.atrium.broker.token;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Connection tokens: format and claims per docs/architecture.md, expiry, binding and one use. */
@QuarkusTest
class TokenServiceTest {
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    @Inject TokenService tokens;
    @Inject ObjectMapper json;

    private final UUID user = UUID.randomUUID();
    private final UUID tenant = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();

    @Test
    void tokenCarriesTheContractClaimsAndVerifies() throws Exception {
        String token = tokens.issue(user, tenant, desktop, "host-a");
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        JsonNode header = json.readTree(B64.decode(parts[0]));
        JsonNode claims = json.readTree(B64.decode(parts[1]));
        assertEquals("ES256", header.get("alg").asText());
        assertTrue(header.hasNonNull("kid"));
        assertEquals("atrium-broker", claims.get("iss").asText());
        assertEquals("atrium-host", claims.get("aud").asText());
        assertEquals(user.toString(), claims.get("sub").asText());
        assertEquals(tenant.toString(), claims.get("tid").asText());
        assertEquals(desktop.toString(), claims.get("did").asText());
        assertEquals("host-a", claims.get("hst").asText());
        assertTrue(claims.get("exp").asLong() - claims.get("iat").asLong() <= 60);
        assertTrue(claims.hasNonNull("jti"));

        TokenClaims verified = tokens.verify(token, desktop);
        assertEquals(user, verified.sub());
    }

    /** A host checks tokens with the published JWKS only; do the same with the JDK. */
    @Test
    void signatureVerifiesWithThePublishedJwks() throws Exception {
        String token = tokens.issue(user, tenant, desktop, "host-a");
        String[] parts = token.split("\\.");
        JsonNode jwks = json.readTree(given().get("/api/v1/tokens/jwks").asString());
        JsonNode key = jwks.get("keys").get(0);
        assertEquals(
                json.readTree(B64.decode(parts[0])).get("kid").asText(), key.get("kid").asText());
        var parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        var point =
                new ECPoint(
                        new BigInteger(1, B64.decode(key.get("x").asText())),
                        new BigInteger(1, B64.decode(key.get("y").asText())));
        var publicKey =
                KeyFactory.getInstance("EC")
                        .generatePublic(
                                new ECPublicKeySpec(
                                        point, parameters.getParameterSpec(ECParameterSpec.class)));
        byte[] signature = B64.decode(parts[2]);
        assertEquals(64, signature.length, "JWS ES256 signature is R||S, 64 bytes");
        var verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKey);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(signature));
    }

    @Test
    void expiredTokenIsRefused() {
        String token = tokens.issue(user, tenant, desktop, "host-a", Instant.now());
        tokens.verify(token, desktop, Instant.now().plusSeconds(59));
        var e =
                assertThrows(
                        TokenException.class,
                        () -> tokens.verify(token, desktop, Instant.now().plusSeconds(61)));
        assertEquals("expired", e.getMessage());
    }

    @Test
    void tokenForAnotherDesktopIsRefused() {
        String token = tokens.issue(user, tenant, desktop, "host-a");
        assertThrows(TokenException.class, () -> tokens.verify(token, UUID.randomUUID()));
    }

    @Test
    void tamperedTokenIsRefused() {
        String token = tokens.issue(user, tenant, desktop, "host-a");
        String[] parts = token.split("\\.");
        String otherClaims =
                tokens.issue(UUID.randomUUID(), tenant, desktop, "host-a").split("\\.")[1];
        String forged = parts[0] + "." + otherClaims + "." + parts[2];
        var e = assertThrows(TokenException.class, () -> tokens.verify(forged, desktop));
        assertEquals("bad signature", e.getMessage());
        assertThrows(TokenException.class, () -> tokens.verify("not.a.token", desktop));
        assertThrows(TokenException.class, () -> tokens.verify(null, desktop));
    }

    @Test
    void tokenIsUsedOnce() {
        String token = tokens.issue(user, tenant, desktop, "host-a");
        TokenClaims claims = tokens.verify(token, desktop);
        tokens.consume(claims);
        var e = assertThrows(TokenException.class, () -> tokens.consume(claims));
        assertEquals("token already used", e.getMessage());
    }
}
