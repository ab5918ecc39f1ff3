package io.shm.signature.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import io.shm.testing.ProtocolVectors;
import io.shm.testing.ProtocolVectors.Instance;
import io.shm.testing.ProtocolVectors.Rfc8032Vector;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PublicKeysTest {

    private static final String KEY_A = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private static ProtocolVectors vectors;

    @BeforeAll
    static void loadVectors() {
        vectors = ProtocolVectors.load();
    }

    static Stream<String> keysOfTheVectors() {
        ProtocolVectors loaded = ProtocolVectors.load();
        return Stream.concat(
                loaded.instances().stream().map(Instance::publicKeyHex),
                loaded.rfc8032().stream().map(Rfc8032Vector::publicKeyHex));
    }

    @ParameterizedTest
    @MethodSource("keysOfTheVectors")
    void keysOfTheVectorsAreAccepted(String hex) {
        Optional<byte[]> parsed = PublicKeys.parse(hex);

        assertTrue(parsed.isPresent(), hex);
        assertArrayEquals(HexFormat.of().parseHex(hex), parsed.get());
    }

    @Test
    void theVectorsHaveKeys() {
        assertTrue(vectors.instances().size() >= 2, "instances in the vectors");
        assertFalse(vectors.rfc8032().isEmpty(), "RFC 8032 vectors");
    }

    @Test
    void upperCaseKeyIsAcceptedAsTheSameKey() {
        assertArrayEquals(PublicKeys.parse(KEY_A).orElseThrow(),
                PublicKeys.parse(KEY_A.toUpperCase(Locale.ROOT)).orElseThrow());
    }

    @Test
    void freshlyGeneratedKeysAreAccepted() {
        for (int i = 0; i < 20; i++) {
            byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
            seed[0] = (byte) i;
            seed[31] = (byte) (7 * i);
            byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(seed, 0, publicKey, 0);

            assertTrue(PublicKeys.parse(HexFormat.of().formatHex(publicKey)).isPresent());
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511",   // 63 characters
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a0", // 65 characters
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751zz",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751 a",
            "0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751",
    })
    void keyOfAnotherLengthOrAlphabetIsRefused(String hex) {
        assertEquals(Optional.empty(), PublicKeys.parse(hex));
    }

    @ParameterizedTest
    @FieldSource("io.shm.signature.control.TorsionPoints#SMALL_ORDER")
    void smallOrderKeyIsRefused(String hex) {
        assertEquals(Optional.empty(), PublicKeys.parse(hex));
    }

    @ParameterizedTest
    @FieldSource("io.shm.signature.control.TorsionPoints#NON_CANONICAL")
    void nonCanonicalKeyIsRefused(String hex) {
        assertEquals(Optional.empty(), PublicKeys.parse(hex));
    }

    @Test
    void mixedTorsionKeyIsRefused() {
        assertEquals(Optional.empty(), PublicKeys.parse(TorsionPoints.MIXED_TORSION));
    }

    @Test
    void mixedTorsionKeyWouldPassTheWeakerPartialValidation() {
        // Guards the test above: it shows that the full validation, and not a mere curve check, refuses the key.
        assertTrue(Ed25519.validatePublicKeyPartial(HexFormat.of().parseHex(TorsionPoints.MIXED_TORSION), 0));
    }

    @Test
    void pointNotOnTheCurveIsRefused() {
        assertEquals(Optional.empty(), PublicKeys.parse(TorsionPoints.NOT_ON_CURVE));
    }

    @Test
    void verificationKeyKeepsTheRegisteredBytesAndTheirLowerCaseHex() {
        VerificationKey key = PublicKeys.parseVerificationKey(KEY_A.toUpperCase(Locale.ROOT)).orElseThrow();

        assertEquals(KEY_A, key.hex());
        assertArrayEquals(HexFormat.of().parseHex(KEY_A), key.encoded());
        assertEquals(PublicKeys.toVerificationKey(HexFormat.of().parseHex(KEY_A)).orElseThrow(), key);
    }

    @Test
    void changingTheReturnedBytesDoesNotChangeTheKey() {
        VerificationKey key = PublicKeys.parseVerificationKey(KEY_A).orElseThrow();

        key.encoded()[0] ^= 1;

        assertEquals(KEY_A, key.hex());
    }

    @Test
    void rawKeyOfWrongLengthGivesNoVerificationKey() {
        assertEquals(Optional.empty(), PublicKeys.toVerificationKey(null));
        assertEquals(Optional.empty(), PublicKeys.toVerificationKey(new byte[31]));
        assertEquals(Optional.empty(), PublicKeys.toVerificationKey(new byte[33]));
    }
}
