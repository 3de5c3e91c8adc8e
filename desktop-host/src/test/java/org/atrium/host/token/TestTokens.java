package org.atrium.host.token;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Signs connection tokens as the broker would, with a key pair generated for the test. */
public final class TestTokens {
    public final KeyPair keys;
    public final String kid;

    public TestTokens(String kid) {
        this.kid = kid;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys = g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public ECPublicKey publicKey() {
        return (ECPublicKey) keys.getPublic();
    }

    public static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public String sign(String headerJson, String claimsJson) {
        String input =
                b64(headerJson.getBytes(StandardCharsets.UTF_8))
                        + "."
                        + b64(claimsJson.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(EcKeys.derToRaw(s.sign()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String token(String vm, String host, String jti, long iat, long exp) {
        return sign(
                "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}",
                "{\"iss\":\"atrium-broker\",\"aud\":\"atrium-host\",\"sub\":\"u1\",\"tid\":\"t1\","
                        + "\"did\":\""
                        + vm
                        + "\",\"hst\":\""
                        + host
                        + "\",\"jti\":\""
                        + jti
                        + "\",\"iat\":"
                        + iat
                        + ",\"exp\":"
                        + exp
                        + "}");
    }

    /** This key as a JWKS document. */
    public String jwks() {
        byte[] x = unsigned32(publicKey().getW().getAffineX());
        byte[] y = unsigned32(publicKey().getW().getAffineY());
        return "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\",\"kid\":\""
                + kid
                + "\",\"x\":\""
                + b64(x)
                + "\",\"y\":\""
                + b64(y)
                + "\"}]}";
    }

    private static byte[] unsigned32(java.math.BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int from = Math.max(0, b.length - 32);
        System.arraycopy(b, from, out, 32 - (b.length - from), b.length - from);
        return out;
    }
}
