package io.shm.signature.control;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checks the signature of a request body (pure Ed25519, RFC 8032, no context), as the SDKs make it.
 * <p>
 * Malformed input of any kind (a key or signature of the wrong length, a signature that is not
 * hex, a key that is not a point) is a failed verification, never an exception: all of it comes
 * from the network. Stateless, hence safe to share between threads.
 */
@jakarta.enterprise.context.Dependent
public final class Ed25519Verifier {

    static {
        // Builds BouncyCastle's base-point tables now rather than during the first request.
        Ed25519.precompute();
    }

    /**
     * For keys not yet decoded. BouncyCastle refuses here keys that are not canonical, not on the
     * curve or of small order, but it does not check the subgroup: keys that reach this method
     * should have been accepted by {@link PublicKeys#parse} when registered.
     */
    public boolean verify(byte[] publicKey, String signatureHex, byte[] message) {
        if (publicKey == null || publicKey.length != Ed25519.PUBLIC_KEY_SIZE || message == null) {
            return false;
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        return Hex.decodeInto(signatureHex, signature)
                && Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    /** The faster path, for keys cached by the caller. */
    public boolean verify(VerificationKey key, String signatureHex, byte[] message) {
        if (key == null || message == null) {
            return false;
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        return Hex.decodeInto(signatureHex, signature)
                && Ed25519.verify(signature, 0, key.point(), message, 0, message.length);
    }
}
