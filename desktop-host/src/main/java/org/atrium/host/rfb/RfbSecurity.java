package org.atrium.host.rfb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFB security types (RFC 6143 section 7.2). VNC Authentication is DES of a 16-byte challenge keyed
 * by the password's first 8 bytes, each byte bit-reversed (section 7.2.2 and its errata). It guards
 * only against casual access: it is offered on raw TCP when a password is set; the WebSocket path
 * relies on connection tokens instead.
 */
public final class RfbSecurity {
    public static final int INVALID = 0;
    public static final int NONE = 1;
    public static final int VNC_AUTH = 2;

    private RfbSecurity() {}

    /** The response a client holding {@code password} sends for {@code challenge}. */
    public static byte[] vncAuthResponse(String password, byte[] challenge) {
        byte[] key = new byte[8];
        byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < key.length && i < pw.length; i++) {
            key[i] = (byte) (Integer.reverse(pw[i] & 0xff) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks DES, needed by VNC Authentication", e);
        }
    }

    /** Checks a client's response in constant time. */
    public static boolean vncAuthMatches(String password, byte[] challenge, byte[] response) {
        byte[] expected = vncAuthResponse(password, challenge);
        boolean ok = MessageDigest.isEqual(expected, response);
        Arrays.fill(expected, (byte) 0);
        return ok;
    }
}
