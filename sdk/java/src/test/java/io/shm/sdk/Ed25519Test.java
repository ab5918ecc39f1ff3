package io.shm.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.EdECPublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Ed25519Test {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void theJdkSignerReproducesTheRfc8032VectorsAndDerivesTheirPublicKeys() {
        List<Map<String, Object>> vectors = Vectors.list("rfc8032");
        assertFalse(vectors.isEmpty());
        for (Map<String, Object> vector : vectors) {
            byte[] seed = HEX.parseHex((String) vector.get("secret"));
            byte[] message = vector.containsKey("message_hex") ? HEX.parseHex((String) vector.get("message_hex"))
                    : ((String) vector.get("message")).getBytes(StandardCharsets.UTF_8);
            assertEquals(vector.get("public"), HEX.formatHex(Ed25519.publicKeyOf(seed)));
            assertEquals(vector.get("signature"), HEX.formatHex(Ed25519.sign(seed, message)));
        }
    }

    @Test
    void theJdkSignerReproducesEveryValidSignedBodyOfTheVectors() {
        int checked = 0;
        for (Map<String, Object> vector : Vectors.list("valid")) {
            if (vector.get("signature") == null || vector.get("instance_id") == null) {
                continue;
            }
            Identity signer = vectorInstance(UUID.fromString((String) vector.get("instance_id")));
            byte[] body = ((String) vector.get("body")).getBytes(StandardCharsets.UTF_8);
            assertEquals(vector.get("signature"), signer.signHex(body), (String) vector.get("what"));
            assertTrue(Ed25519.verify(HEX.parseHex(signer.publicKeyHex()), body, HEX.parseHex((String) vector.get("signature"))));
            checked++;
        }
        assertTrue(checked >= 3, "signed vectors checked: " + checked);
    }

    @Test
    void rawPublicKeysConvertToJdkKeysAndBackUnchanged() throws Exception {
        for (Map<String, Object> vector : Vectors.list("rfc8032")) {
            byte[] raw = HEX.parseHex((String) vector.get("public"));
            EdECPublicKey key = (EdECPublicKey) Ed25519.publicKey(raw);
            assertArrayEquals(raw, Ed25519.encode(key));
        }
    }

    @Test
    void keysMadeByTheJdkConvertToRawBytesThatVerify() throws Exception {
        // Many keys, so that both parities of x and short y values occur.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        boolean sawOdd = false;
        boolean sawEven = false;
        for (int i = 0; i < 64; i++) {
            EdECPublicKey key = (EdECPublicKey) generator.generateKeyPair().getPublic();
            byte[] raw = Ed25519.encode(key);
            EdECPublicKey back = (EdECPublicKey) Ed25519.publicKey(raw);
            assertEquals(key.getPoint().getY(), back.getPoint().getY());
            assertEquals(key.getPoint().isXOdd(), back.getPoint().isXOdd());
            assertArrayEquals(key.getEncoded(), back.getEncoded());
            sawOdd |= key.getPoint().isXOdd();
            sawEven |= !key.getPoint().isXOdd();
        }
        assertTrue(sawOdd && sawEven);
        byte[] seed = Ed25519.newSeed();
        byte[] message = "{\"action\":\"activate\"}".getBytes(StandardCharsets.UTF_8);
        assertTrue(Ed25519.verify(Ed25519.publicKeyOf(seed), message, Ed25519.sign(seed, message)));
        assertFalse(Ed25519.verify(Ed25519.publicKeyOf(Ed25519.newSeed()), message, Ed25519.sign(seed, message)));
    }

    static Identity vectorInstance(UUID id) {
        for (String name : List.of("A", "B")) {
            Map<String, Object> instance = Vectors.instance(name);
            if (id.toString().equals(instance.get("instance_id"))) {
                return Identity.of(id, HEX.parseHex((String) instance.get("seed")));
            }
        }
        throw new IllegalArgumentException("No vector instance " + id);
    }
}
