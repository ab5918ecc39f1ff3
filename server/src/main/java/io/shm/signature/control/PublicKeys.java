package io.shm.signature.control;

import java.util.Optional;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Decides which public keys an instance may register.
 * <p>
 * Besides the format (64 hex characters), a key must be the canonical encoding of a point of the
 * curve's prime-order subgroup. That refuses the small-order points (the identity among them,
 * with which one signature verifies for every message), the non-canonical encodings (two spellings
 * of one key) and the mixed-torsion points. No key made by a real Ed25519 key generator is
 * refused: those are all multiples of the base point.
 */
public final class PublicKeys {

    private PublicKeys() {
    }

    /** @return the 32 key bytes, or empty when the key must not be registered */
    public static Optional<byte[]> parse(String hex) {
        return parseVerificationKey(hex).map(VerificationKey::encoded);
    }

    /** @return the key ready to verify with, or empty when the key must not be registered */
    public static Optional<VerificationKey> parseVerificationKey(String hex) {
        return Hex.decode(hex, Ed25519.PUBLIC_KEY_SIZE).flatMap(PublicKeys::toVerificationKey);
    }

    /**
     * For keys read back from storage, to build the form worth caching. The checks run again: they
     * cost about one signature verification, once per key and cache entry.
     *
     * @return the key ready to verify with, or empty when {@code encoded} is not an acceptable key
     */
    public static Optional<VerificationKey> toVerificationKey(byte[] encoded) {
        if (encoded == null || encoded.length != Ed25519.PUBLIC_KEY_SIZE) {
            return Optional.empty();
        }
        // "Full" validation includes the check that [L]A is the identity, which the "partial" one skips.
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(encoded, 0);
        return point == null ? Optional.empty() : Optional.of(new VerificationKey(encoded, point));
    }
}
