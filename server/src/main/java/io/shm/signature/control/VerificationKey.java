package io.shm.signature.control;

import java.util.Arrays;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An instance's Ed25519 public key that passed {@link PublicKeys}' checks, already decoded to a
 * curve point: worth caching per instance, since verifying with it skips decoding the key (a
 * square root) on every request. Immutable and safe to share between threads.
 */
public final class VerificationKey {

    private final byte[] encoded;
    private final Ed25519.PublicPoint point;

    VerificationKey(byte[] encoded, Ed25519.PublicPoint point) {
        this.encoded = encoded.clone();
        this.point = point;
    }

    /** The 32 bytes as registered; a copy, so callers cannot change the key. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The key as it travels and is stored: 64 lower-case hex characters. */
    public String hex() {
        return Hex.encode(encoded);
    }

    Ed25519.PublicPoint point() {
        return point;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VerificationKey key && Arrays.equals(encoded, key.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "VerificationKey[" + hex() + "]";
    }
}
