package org.atrium.provisioning.identity;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * PBKDF2-HMAC-SHA512 password hashes (64 bytes, the same as the JDK's {@code PBKDF2WithHmacSHA512}
 * gives, with half its SHA-512 compressions: see {@link Pbkdf2HmacSha512}), stored as {@code
 * pbkdf2-sha512$<iterations>$<salt>$<hash>} so the work factor can rise without invalidating old
 * hashes.
 */
public final class PasswordHasher {
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512. */
    public static final int DEFAULT_ITERATIONS = 210_000;

    private static final String ALGORITHM = "pbkdf2-sha512";
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;

    public PasswordHasher(int iterations) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("iterations too low: " + iterations);
        }
        this.iterations = iterations;
    }

    /**
     * Whether hashing runs on the JDK's SHA-512 compression (needs the JVM option {@code
     * --add-opens java.base/sun.security.provider=ALL-UNNAMED}); if not, on a Java one about half
     * as fast.
     */
    public static boolean usesJdkCompression() {
        return JdkSha512Compression.AVAILABLE;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        var b64 = Base64.getEncoder().withoutPadding();
        return ALGORITHM
                + "$"
                + iterations
                + "$"
                + b64.encodeToString(salt)
                + "$"
                + b64.encodeToString(hash);
    }

    /** Constant-time check; a malformed stored hash never matches. */
    public boolean matches(String password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
            return false;
        }
        try {
            int storedIterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (storedIterations < 1_000 || storedIterations > 10_000_000) {
                return false;
            }
            return MessageDigest.isEqual(expected, derive(password, salt, storedIterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        try {
            return Pbkdf2HmacSha512.derive(chars, salt, iterations);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }
}
