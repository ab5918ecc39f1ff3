package io.shm.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    @Test
    void aHashWithFewerIterationsOrAnotherAlgorithmIsOutdated() {
        assertTrue(PasswordHashes.isOutdated("PBKDF2WithHmacSHA256:210000:c2FsdA==:aGFzaA=="));
        assertTrue(PasswordHashes.isOutdated("PBKDF2WithHmacSHA1:600000:c2FsdA==:aGFzaA=="));
        assertTrue(PasswordHashes.isOutdated("not a hash"));
        assertFalse(PasswordHashes.isOutdated("PBKDF2WithHmacSHA256:600000:c2FsdA==:aGFzaA=="));
        assertEquals(210_000, PasswordHashes.iterations("PBKDF2WithHmacSHA256:210000:c2FsdA==:aGFzaA=="));
    }
}
