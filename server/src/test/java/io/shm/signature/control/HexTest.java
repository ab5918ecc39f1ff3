package io.shm.signature.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HexTest {

    @Test
    void lowerAndUpperCaseDecodeToTheSameBytes() {
        byte[] expected = {0x00, (byte) 0xab, (byte) 0xcd, (byte) 0xef, 0x12, (byte) 0x9f};

        assertArrayEquals(expected, Hex.decode("00abcdef129f", 6).orElseThrow());
        assertArrayEquals(expected, Hex.decode("00ABCDEF129F", 6).orElseThrow());
        assertArrayEquals(expected, Hex.decode("00aBcDeF129f", 6).orElseThrow());
    }

    @Test
    void encodingIsLowerCase() {
        assertEquals("00abcdef129f", Hex.encode(new byte[] {0x00, (byte) 0xab, (byte) 0xcd, (byte) 0xef, 0x12, (byte) 0x9f}));
    }

    @Test
    void encodingThenDecodingGivesEveryByteValueBack() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }

        assertArrayEquals(everyByte, Hex.decode(Hex.encode(everyByte), 256).orElseThrow());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "00abcdef12",       // one byte short
            "00abcdef129f00",   // one byte long
            "00abcdef129",      // odd length
            "00abcdef129g",     // not hex
            "0xabcdef129f",     // prefix
            " 0abcdef129f",     // space
            "00abcdef129\u0000",
            "00abcdef12\uff19\uff19", // full-width digits, which Character.digit would accept
            "00abcdef12\u0669\u0669", // Arabic-Indic digits, likewise
    })
    void anythingButExactlyTheExpectedHexIsRefused(String hex) {
        assertEquals(Optional.empty(), Hex.decode(hex, 6));
    }

    @Test
    void zeroBytesAreTheEmptyString() {
        assertTrue(Hex.decode("", 0).isPresent());
    }
}
