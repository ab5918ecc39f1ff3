package io.shm.signature.control;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Hex as the wire protocol uses it: exact lengths, either case in, lower case out.
 */
public final class Hex {

    private static final byte NOT_HEX = -1;

    /*
     * A table over ASCII only: Character.digit(c, 16) would also accept non-ASCII digits such as
     * the full-width '１', which no client sends and which would make two spellings of one key.
     */
    private static final byte[] NIBBLE_OF_ASCII = new byte[128];

    static {
        Arrays.fill(NIBBLE_OF_ASCII, NOT_HEX);
        for (int i = 0; i < 10; i++) {
            NIBBLE_OF_ASCII['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            NIBBLE_OF_ASCII['a' + i] = (byte) (10 + i);
            NIBBLE_OF_ASCII['A' + i] = (byte) (10 + i);
        }
    }

    private Hex() {
    }

    /**
     * @return the bytes, or empty when {@code hex} is null, is not exactly {@code 2 * byteCount}
     *         characters long, or holds anything but {@code [0-9a-fA-F]}
     */
    public static Optional<byte[]> decode(CharSequence hex, int byteCount) {
        if (byteCount < 0) {
            throw new IllegalArgumentException("byteCount must not be negative: " + byteCount);
        }
        byte[] decoded = new byte[byteCount];
        return decodeInto(hex, decoded) ? Optional.of(decoded) : Optional.empty();
    }

    /**
     * Fills {@code target} completely from {@code hex}, so the hot path can reuse or size its own buffer.
     *
     * @return false, with {@code target} in an unspecified state, when {@code hex} is null, of
     *         another length than {@code 2 * target.length}, or not hex
     */
    static boolean decodeInto(CharSequence hex, byte[] target) {
        if (hex == null || hex.length() != 2 * target.length) {
            return false;
        }
        for (int i = 0; i < target.length; i++) {
            int high = nibble(hex.charAt(2 * i));
            int low = nibble(hex.charAt(2 * i + 1));
            if (high == NOT_HEX || low == NOT_HEX) {
                return false;
            }
            target[i] = (byte) ((high << 4) | low);
        }
        return true;
    }

    public static String encode(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static int nibble(char c) {
        return c < NIBBLE_OF_ASCII.length ? NIBBLE_OF_ASCII[c] : NOT_HEX;
    }
}
