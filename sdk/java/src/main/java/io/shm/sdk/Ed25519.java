package io.shm.sdk;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Ed25519 with the JDK's own provider, on the raw key bytes the protocol uses: a 32-byte seed as the
 * private key, and the 32-byte RFC 8032 encoding of the public key (little-endian y, with the
 * parity of x in the top bit of the last byte), which the JDK represents as an {@link EdECPoint}.
 */
final class Ed25519 {

    static final int KEY_LENGTH = 32;
    static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {
    }

    /** A fresh random seed. */
    static byte[] newSeed() {
        byte[] seed = new byte[KEY_LENGTH];
        new SecureRandom().nextBytes(seed);
        return seed;
    }

    /**
     * The public key of a seed. The JDK has no call for this, but its key pair generator draws the
     * private key as 32 bytes from the random source it is given: handing it the seed as that source
     * makes it compute the public key by the RFC 8032 rules.
     */
    static byte[] publicKeyOf(byte[] seed) {
        requireLength(seed, KEY_LENGTH, "seed");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = generator.generateKeyPair();
            return encode((EdECPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK has no Ed25519", e);
        }
    }

    static byte[] sign(byte[] seed, byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey(seed));
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign with Ed25519", e);
        }
    }

    static boolean verify(byte[] publicKey, byte[] message, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(publicKey(publicKey));
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static PrivateKey privateKey(byte[] seed) throws GeneralSecurityException {
        requireLength(seed, KEY_LENGTH, "seed");
        return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
    }

    /** The JDK key of raw public key bytes. */
    static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        requireLength(raw, KEY_LENGTH, "public key");
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = raw[KEY_LENGTH - 1 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    /** The raw 32 bytes of a JDK public key. */
    static byte[] encode(EdECPublicKey key) {
        byte[] y = key.getPoint().getY().toByteArray();
        byte[] raw = new byte[KEY_LENGTH];
        // toByteArray is big-endian and may carry a leading sign byte or be shorter than 32 bytes.
        for (int i = 0; i < KEY_LENGTH && i < y.length; i++) {
            raw[i] = y[y.length - 1 - i];
        }
        if (key.getPoint().isXOdd()) {
            raw[KEY_LENGTH - 1] |= (byte) 0x80;
        }
        return raw;
    }

    private static void requireLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException("An Ed25519 " + what + " has " + length + " bytes");
        }
    }

    /** A "random" source that yields the given bytes, so that key generation is a derivation. */
    private static final class FixedBytes extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("Expected a request for " + bytes.length + " bytes");
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
