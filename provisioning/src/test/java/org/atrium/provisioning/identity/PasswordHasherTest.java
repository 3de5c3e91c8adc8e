package org.atrium.provisioning.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(10_000);

    @Test
    void theRightPasswordMatchesAndAWrongOneDoesNot() {
        String hash = hasher.hash("correct horse battery");
        assertTrue(hash.startsWith("pbkdf2-sha512$10000$"));
        assertTrue(hasher.matches("correct horse battery", hash));
        assertFalse(hasher.matches("correct horse batterY", hash));
        assertFalse(hasher.matches("", hash));
    }

    @Test
    void saltMakesEveryHashDifferent() {
        assertNotEquals(hasher.hash("same password"), hasher.hash("same password"));
    }

    @Test
    void hashesKeepTheirOwnIterationCount() {
        String old = new PasswordHasher(5_000).hash("a password!");
        assertTrue(hasher.matches("a password!", old));
    }

    /**
     * Hashes made by the previous implementation (the JDK's SecretKeyFactory), kept verbatim: the
     * stored hashes of existing accounts must keep matching.
     */
    @Test
    void hashesMadeWithTheJdksPbkdf2StillMatch() {
        String atDefault =
                "pbkdf2-sha512$210000$y6d1Zse59fTWVfrxvflT1A$oPcZFsmJ5MVNobT7DzGVrHoZDFMwq1KRkTvP"
                        + "/cUd34kop+WSvAHBhC6TXneCFxkG4FUgUcuFghBMs/hlPSo5dg";
        assertTrue(hasher.matches("correct horse battery staple", atDefault));
        assertFalse(hasher.matches("correct horse battery stapler", atDefault));
        String nonAscii =
                "pbkdf2-sha512$1000$BUPW1OmfDl76ya8S1n02Ng$Tjy5Z8tESQo7CNVfBg82PrUYbeiWO0a8v7IbMah"
                        + "o6aUHfSlh6ltAEhR7fWE5qsqQtRNQWY+jrHJqWZwL48+CRw";
        assertTrue(hasher.matches("p\u00e4ssw\u00f6rd \uD83D\uDD11 with a key", nonAscii));
        assertFalse(hasher.matches("passwort \uD83D\uDD11 with a key", nonAscii));
    }

    @Test
    void malformedStoredHashesNeverMatch() {
        assertFalse(hasher.matches("x", null));
        assertFalse(hasher.matches("x", "plain"));
        assertFalse(hasher.matches("x", "pbkdf2-sha512$abc$AAAA$AAAA"));
        assertFalse(hasher.matches("x", "pbkdf2-sha512$10$AAAA$AAAA"));
        assertFalse(hasher.matches("x", "md5$1$2$3"));
    }

    @Test
    void tooFewIterationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(10));
    }
}
