package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginalValuesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Photo Vault | photo-vault",
            "Café Süd | cafe-sud",
            "àáâãäå èéêë ìíîï òóôõö ùúûü ýÿ ñ ç | aaaaaa-eeee-iiii-ooooo-uuuu-yy-n-c",
            "--My__App!! | my-app",
            "unknown_app | unknown-app",
            "日本 | app",
    })
    void slugsFollowTheOriginalsRule(String name, String slug) {
        assertEquals(slug, OriginalValues.slugOf(name));
    }

    @Test
    void theOriginalsHexTextKeyIsDecodedToItsThirtyTwoBytes() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7);
        }
        byte[] stored = HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(key, OriginalValues.publicKey(stored).orElseThrow());
        assertArrayEquals(key, OriginalValues.publicKey(key).orElseThrow(), "32 raw bytes are taken as they are");
        assertTrue(OriginalValues.publicKey("zz".repeat(32).getBytes(StandardCharsets.US_ASCII)).isEmpty());
        assertTrue(OriginalValues.publicKey(new byte[16]).isEmpty());
        assertTrue(OriginalValues.publicKey(null).isEmpty());
    }

    @Test
    void statusesAndNamesTakeTheOriginalsDefaults() {
        assertEquals("ACTIVE", OriginalValues.status("active"));
        assertEquals("REVOKED", OriginalValues.status("revoked"));
        assertEquals("PENDING", OriginalValues.status("pending"));
        assertEquals("PENDING", OriginalValues.status(null));
        assertEquals("unknown_app", OriginalValues.applicationName(null));
        assertEquals("unknown_app", OriginalValues.applicationName("  "));
        assertEquals("Photo Vault", OriginalValues.applicationName(" Photo Vault "));
    }
}
