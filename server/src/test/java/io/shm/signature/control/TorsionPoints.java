package io.shm.signature.control;

import java.util.List;

/**
 * Encodings of curve points that no honest key generator makes, for tests of key validation.
 * Computed with plain big-integer Edwards arithmetic, independently of BouncyCastle.
 */
final class TorsionPoints {

    /** The eight points of order dividing 8, canonically encoded; the identity first. */
    static final List<String> SMALL_ORDER = List.of(
            "0100000000000000000000000000000000000000000000000000000000000000", // identity (0, 1)
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
            "0000000000000000000000000000000000000000000000000000000000000080", // order 4, x odd
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2 (0, -1)
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
            "0000000000000000000000000000000000000000000000000000000000000000", // order 4, x even
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"); // order 8

    /** Second spellings of points: y not reduced below p, or the sign bit set where x is 0. */
    static final List<String> NON_CANONICAL = List.of(
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, i.e. y = 0
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1, i.e. the identity
            "0100000000000000000000000000000000000000000000000000000000000080", // the identity, sign bit set
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"); // (0, -1), sign bit set

    /**
     * Instance A's public key (d75a9801...) plus the order-8 point c7176a70...: on the curve, not
     * of small order, yet outside the prime-order subgroup. BouncyCastle's partial validation
     * accepts it; only the full one refuses it.
     */
    static final String MIXED_TORSION = "9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245";

    /** y = 2 gives no x on the curve: (y² - 1) / (d y² + 1) has no square root mod p. */
    static final String NOT_ON_CURVE = "0200000000000000000000000000000000000000000000000000000000000000";

    private TorsionPoints() {
    }
}
