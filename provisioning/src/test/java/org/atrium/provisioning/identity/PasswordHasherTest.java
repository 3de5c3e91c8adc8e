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
