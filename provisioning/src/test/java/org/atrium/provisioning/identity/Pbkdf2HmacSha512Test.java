package org.atrium.provisioning.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pbkdf2HmacSha512Test {
    /** The published PBKDF2-HMAC-SHA512 vectors (RFC 6070's inputs with SHA-512, 64 bytes). */
    @ParameterizedTest
    @CsvSource({
        "password, salt, 1, 867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
                + "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce",
        "password, salt, 2, e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
                + "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e",
        "password, salt, 4096, d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5"
                + "143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5",
        "passwordPASSWORDpassword, saltSALTsaltSALTsaltSALTsaltSALTsalt, 4096,"
                + " 8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71"
                + "115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8"
    })
    void knownAnswers(String password, String salt, int iterations, String expectedHex) {
        for (boolean jdkCompression : new boolean[] {true, false}) {
            assertEquals(
                    expectedHex,
                    HexFormat.of()
                            .formatHex(
                                    Pbkdf2HmacSha512.derive(
                                            password.toCharArray(),
                                            salt.getBytes(),
                                            iterations,
                                            jdkCompression)),
                    jdkCompression ? "with the JDK's compression" : "with ours");
        }
    }

    /**
     * The build opens the JDK's SHA-512 to the test JVM as the broker's manifest does to the
     * broker; if this fails, sign-ins silently run at half speed.
     */
    @Test
    void theJdksCompressionIsReachable() {
        assertTrue(JdkSha512Compression.AVAILABLE);
    }

    /**
     * Against the JDK's implementation, which stored every hash made so far: empty and long keys
     * (over one 128-byte block, hashed first), non-ASCII and unpaired surrogates, salts of many
     * lengths (across the block boundary of the first iteration's message).
     */
    @Test
    void sameBytesAsTheJdkForAnyPasswordAndSalt() throws Exception {
        var random = new Random(6);
        var factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        for (int round = 0; round < 300; round++) {
            char[] password = new char[round % 150];
            for (int i = 0; i < password.length; i++) {
                password[i] =
                        switch (random.nextInt(4)) {
                            case 0 -> (char) ('a' + random.nextInt(26));
                            case 1 -> (char) (0xa0 + random.nextInt(0x700));
                            case 2 -> (char) (0xd800 + random.nextInt(0x800));
                            default -> (char) random.nextInt(0x10000);
                        };
            }
            byte[] salt = new byte[random.nextInt(260)];
            random.nextBytes(salt);
            int iterations = 1 + random.nextInt(5);
            byte[] expected =
                    factory.generateSecret(new PBEKeySpec(password, salt, iterations, 512))
                            .getEncoded();
            assertArrayEquals(
                    expected,
                    Pbkdf2HmacSha512.derive(password, salt, iterations, true),
                    "round " + round + " with the JDK's compression");
            assertArrayEquals(
                    expected,
                    Pbkdf2HmacSha512.derive(password, salt, iterations, false),
                    "round " + round + " with ours");
        }
    }

    @Test
    void iterationsMustBePositive() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Pbkdf2HmacSha512.derive("x".toCharArray(), new byte[16], 0));
    }
}
