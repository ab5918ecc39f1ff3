package io.shm.signature.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.shm.testing.ProtocolVectors;
import io.shm.testing.ProtocolVectors.Instance;
import io.shm.testing.ProtocolVectors.Rfc8032Vector;
import io.shm.testing.ProtocolVectors.SignedBody;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ed25519VerifierTest {

    private static final HexFormat HEX = HexFormat.of();

    private static ProtocolVectors vectors;
    private static Instance instanceA;
    private static SignedBody snapshotOfA;

    private final Ed25519Verifier verifier = new Ed25519Verifier();

    @BeforeAll
    static void loadVectors() {
        vectors = ProtocolVectors.load();
        instanceA = vectors.instance("A");
        snapshotOfA = vectors.valid().stream()
                .filter(v -> "/v1/snapshot".equals(v.path()) && instanceA.instanceId().equals(v.instanceId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the vectors hold no snapshot signed by A"));
    }

    static Stream<Rfc8032Vector> rfc8032Vectors() {
        return ProtocolVectors.load().rfc8032().stream();
    }

    static Stream<SignedBody> validSignedBodies() {
        return ProtocolVectors.load().valid().stream().filter(v -> v.signatureHex() != null);
    }

    static Stream<SignedBody> invalidBodies() {
        return ProtocolVectors.load().invalid().stream();
    }

    @Test
    void theVectorsHoldSignedAndRefusedBodies() {
        assertTrue(validSignedBodies().count() >= 2, "valid signed bodies");
        assertTrue(invalidBodies().count() >= 5, "invalid bodies");
        assertFalse(vectors.rfc8032().isEmpty(), "RFC 8032 vectors");
    }

    @ParameterizedTest
    @MethodSource("rfc8032Vectors")
    void rfc8032VectorVerifies(Rfc8032Vector vector) {
        byte[] publicKey = HEX.parseHex(vector.publicKeyHex());

        assertTrue(verifier.verify(publicKey, vector.signatureHex(), vector.message()));
        assertTrue(verifier.verify(verificationKey(vector.publicKeyHex()), vector.signatureHex(), vector.message()));
    }

    @ParameterizedTest
    @MethodSource("validSignedBodies")
    void validBodyVerifiesWithTheKeyOfItsInstance(SignedBody signed) {
        Instance signer = vectors.instanceWithId(signed.instanceId());

        assertTrue(verifier.verify(HEX.parseHex(signer.publicKeyHex()), signed.signatureHex(), signed.bodyBytes()),
                signed.what());
        assertTrue(verifier.verify(verificationKey(signer.publicKeyHex()), signed.signatureHex(), signed.bodyBytes()),
                signed.what());
    }

    @ParameterizedTest
    @MethodSource("invalidBodies")
    void invalidBodyIsRefusedForTheInstanceItClaims(SignedBody refused) {
        Instance claimed = vectors.instanceWithId(refused.instanceId());

        assertFalse(verifier.verify(HEX.parseHex(claimed.publicKeyHex()), refused.signatureHex(), refused.bodyBytes()),
                refused.what());
        assertFalse(verifier.verify(verificationKey(claimed.publicKeyHex()), refused.signatureHex(), refused.bodyBytes()),
                refused.what());
    }

    @Test
    void validBodyIsRefusedForAnotherInstance() {
        Instance other = vectors.instance("B");

        assertFalse(verifier.verify(verificationKey(other.publicKeyHex()), snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
    }

    @Test
    void upperCaseSignatureIsAccepted() {
        String upperCase = snapshotOfA.signatureHex().toUpperCase(Locale.ROOT);

        assertTrue(verifier.verify(verificationKey(instanceA.publicKeyHex()), upperCase, snapshotOfA.bodyBytes()));
    }

    @Test
    void changingAnyByteOfTheBodyBreaksTheSignature() {
        VerificationKey key = verificationKey(instanceA.publicKeyHex());
        byte[] body = snapshotOfA.bodyBytes();

        for (int i = 0; i < body.length; i++) {
            byte[] tampered = body.clone();
            tampered[i] ^= 0x01;
            assertFalse(verifier.verify(key, snapshotOfA.signatureHex(), tampered), "byte " + i + " changed");
        }
    }

    @Test
    void bodyWithTrailingNewlineIsRefused() {
        byte[] withNewline = (snapshotOfA.body() + "\n").getBytes(StandardCharsets.UTF_8);

        assertFalse(verifier.verify(verificationKey(instanceA.publicKeyHex()), snapshotOfA.signatureHex(), withNewline));
    }

    @Test
    void signatureWithScalarRaisedByTheGroupOrderIsRefused() {
        // S + L satisfies the verification equation as well as S does: accepting it would make signatures malleable.
        byte[] signature = HEX.parseHex(snapshotOfA.signatureHex());
        addGroupOrderToScalar(signature);

        assertFalse(verifier.verify(verificationKey(instanceA.publicKeyHex()), HEX.formatHex(signature),
                snapshotOfA.bodyBytes()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 64, 126, 127})
    void signatureCutShortIsRefused(int keptCharacters) {
        String signature = snapshotOfA.signatureHex().substring(0, keptCharacters);

        assertFalse(verifier.verify(verificationKey(instanceA.publicKeyHex()), signature, snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(HEX.parseHex(instanceA.publicKeyHex()), signature, snapshotOfA.bodyBytes()));
    }

    @Test
    void missingSignatureIsRefused() {
        assertFalse(verifier.verify(verificationKey(instanceA.publicKeyHex()), null, snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(HEX.parseHex(instanceA.publicKeyHex()), null, snapshotOfA.bodyBytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "00", " ", "\n"})
    void signatureWithExtraCharactersIsRefused(String extra) {
        VerificationKey key = verificationKey(instanceA.publicKeyHex());

        assertFalse(verifier.verify(key, snapshotOfA.signatureHex() + extra, snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(key, extra + snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
    }

    @Test
    void signatureWithNonAsciiDigitIsRefused() {
        // U+FF10 is the full-width '0': Character.digit accepts it, the protocol does not.
        String signature = "\uff10" + snapshotOfA.signatureHex().substring(1);

        assertFalse(verifier.verify(verificationKey(instanceA.publicKeyHex()), signature, snapshotOfA.bodyBytes()));
    }

    @Test
    void rawKeyOfWrongLengthIsRefused() {
        byte[] key = HEX.parseHex(instanceA.publicKeyHex());

        assertFalse(verifier.verify((byte[]) null, snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(new byte[0], snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(Arrays.copyOf(key, 31), snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(Arrays.copyOf(key, 33), snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
    }

    @Test
    void missingKeyOrMessageIsRefused() {
        assertFalse(verifier.verify((VerificationKey) null, snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
        assertFalse(verifier.verify(verificationKey(instanceA.publicKeyHex()), snapshotOfA.signatureHex(), null));
        assertFalse(verifier.verify(HEX.parseHex(instanceA.publicKeyHex()), snapshotOfA.signatureHex(), null));
    }

    @ParameterizedTest
    @FieldSource("io.shm.signature.control.TorsionPoints#SMALL_ORDER")
    void smallOrderRawKeyVerifiesNoTrivialSignature(String smallOrderKey) {
        // With R the identity and S = 0, a verifier that lets small-order keys through accepts every
        // message whose hash is a multiple of the key's order: about one in eight, or all of them for the identity.
        byte[] key = HEX.parseHex(smallOrderKey);
        String trivialSignature = TorsionPoints.SMALL_ORDER.get(0) + "00".repeat(32);

        for (int i = 0; i < 64; i++) {
            byte[] message = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            assertFalse(verifier.verify(key, trivialSignature, message), "message " + i);
        }
    }

    @ParameterizedTest
    @FieldSource("io.shm.signature.control.TorsionPoints#NON_CANONICAL")
    void nonCanonicalRawKeyVerifiesNothing(String nonCanonicalKey) {
        assertFalse(verifier.verify(HEX.parseHex(nonCanonicalKey), snapshotOfA.signatureHex(), snapshotOfA.bodyBytes()));
    }

    @Test
    void rawKeyNotOnTheCurveVerifiesNothing() {
        assertFalse(verifier.verify(HEX.parseHex(TorsionPoints.NOT_ON_CURVE), snapshotOfA.signatureHex(),
                snapshotOfA.bodyBytes()));
    }

    @Test
    void freshSignatureOfAnyBodyVerifies() {
        byte[] seed = HEX.parseHex(instanceA.seedHex());
        VerificationKey key = verificationKey(instanceA.publicKeyHex());

        for (int length = 0; length < 300; length += 37) {
            byte[] body = new byte[length];
            for (int i = 0; i < length; i++) {
                body[i] = (byte) (31 * i + length);
            }
            assertTrue(verifier.verify(key, sign(seed, body), body), "body of " + length + " bytes");
        }
    }

    @Test
    void oneVerifierGivesTheRightAnswersToManyThreadsAtOnce() throws Exception {
        VerificationKey keyA = verificationKey(instanceA.publicKeyHex());
        byte[] rawKeyA = HEX.parseHex(instanceA.publicKeyHex());
        List<SignedBody> refused = vectors.invalid();
        List<Callable<Boolean>> checks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            SignedBody bad = refused.get(i % refused.size());
            checks.add(() -> verifier.verify(keyA, snapshotOfA.signatureHex(), snapshotOfA.bodyBytes())
                    && verifier.verify(rawKeyA, snapshotOfA.signatureHex(), snapshotOfA.bodyBytes())
                    && !verifier.verify(keyA, bad.signatureHex(), bad.bodyBytes()));
        }

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            int right = 0;
            for (Future<Boolean> answer : pool.invokeAll(checks)) {
                right += answer.get() ? 1 : 0;
            }
            assertEquals(checks.size(), right);
        } finally {
            pool.shutdownNow();
        }
    }

    private static VerificationKey verificationKey(String hex) {
        return PublicKeys.parseVerificationKey(hex).orElseThrow(() -> new AssertionError("key refused: " + hex));
    }

    private static String sign(byte[] seed, byte[] body) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, body, 0, body.length, signature, 0);
        return HEX.formatHex(signature);
    }

    /** Adds L = 2^252 + 27742317777372353535851937790883648493 to the little-endian scalar S (bytes 32..63). */
    private static void addGroupOrderToScalar(byte[] signature) {
        byte[] groupOrder = HEX.parseHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        int carry = 0;
        for (int i = 0; i < 32; i++) {
            int sum = (signature[32 + i] & 0xff) + (groupOrder[i] & 0xff) + carry;
            signature[32 + i] = (byte) sum;
            carry = sum >>> 8;
        }
        assertEquals(0, carry, "S + L still fits in 32 bytes because S < L < 2^253");
    }
}
