package org.atrium.host.token;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;

/**
 * P-256 keys and ES256 signatures as JOSE writes them (RFC 7518 section 3.4 and 6.2): JWK
 * coordinates in base64url, signatures as raw R||S of 32 bytes each, which the JDK's
 * SHA256withECDSA wants as DER.
 */
public final class EcKeys {
    private static final ECParameterSpec P256 = p256();

    private EcKeys() {}

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks P-256", e);
        }
    }

    /** A P-256 public key from a JWK's base64url {@code x} and {@code y}. */
    public static ECPublicKey publicKey(String x, String y) throws GeneralSecurityException {
        byte[] xb = Base64.getUrlDecoder().decode(x);
        byte[] yb = Base64.getUrlDecoder().decode(y);
        if (xb.length != 32 || yb.length != 32) {
            throw new GeneralSecurityException("P-256 coordinates must be 32 bytes");
        }
        ECPoint point = new ECPoint(new BigInteger(1, xb), new BigInteger(1, yb));
        return (ECPublicKey)
                KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
    }

    /** JOSE R||S (64 bytes) to the DER SEQUENCE of two INTEGERs. */
    public static byte[] rawToDer(byte[] raw) {
        if (raw.length != 64)
            throw new IllegalArgumentException("ES256 signature must be 64 bytes");
        byte[] r = derInteger(raw, 0);
        byte[] s = derInteger(raw, 32);
        byte[] der = new byte[2 + r.length + s.length];
        der[0] = 0x30;
        der[1] = (byte) (r.length + s.length); // at most 70: short-form length
        System.arraycopy(r, 0, der, 2, r.length);
        System.arraycopy(s, 0, der, 2 + r.length, s.length);
        return der;
    }

    private static byte[] derInteger(byte[] raw, int offset) {
        int start = offset;
        while (start < offset + 31 && raw[start] == 0) start++;
        int len = offset + 32 - start;
        boolean pad = (raw[start] & 0x80) != 0; // keep the INTEGER positive
        byte[] out = new byte[2 + len + (pad ? 1 : 0)];
        out[0] = 0x02;
        out[1] = (byte) (len + (pad ? 1 : 0));
        System.arraycopy(raw, start, out, 2 + (pad ? 1 : 0), len);
        return out;
    }

    /** DER ECDSA signature to JOSE R||S (64 bytes). */
    public static byte[] derToRaw(byte[] der) {
        byte[] raw = new byte[64];
        int pos = 2;
        if ((der[1] & 0x80) != 0) pos += der[1] & 0x7f;
        for (int i = 0; i < 2; i++) {
            if (der[pos] != 0x02) throw new IllegalArgumentException("not a DER INTEGER");
            int len = der[pos + 1];
            byte[] value =
                    new BigInteger(1, java.util.Arrays.copyOfRange(der, pos + 2, pos + 2 + len))
                            .toByteArray();
            int from = value.length > 32 ? value.length - 32 : 0;
            int n = value.length - from;
            System.arraycopy(value, from, raw, i * 32 + 32 - n, n);
            pos += 2 + len;
        }
        return raw;
    }
}
