package io.shm.ratelimit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private static ClientAddresses trusting(String spec) {
        ClientAddresses addresses = new ClientAddresses();
        addresses.trustedProxies = Optional.ofNullable(spec);
        addresses.parse();
        return addresses;
    }

    @Test
    void withoutTrustedProxiesTheForwardedHeaderIsIgnored() {
        ClientAddresses addresses = trusting(null);

        assertEquals("10.0.0.1", addresses.of("10.0.0.1", List.of("1.2.3.4")));
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        ClientAddresses addresses = trusting("10.0.0.0/8");

        assertEquals("192.0.2.1", addresses.of("192.0.2.1", List.of("10.0.0.5, 1.2.3.4")));
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedHopIsTheClient() {
        ClientAddresses addresses = trusting("10.0.0.0/8, 172.16.0.1");

        assertEquals("203.0.113.9", addresses.of("10.1.2.3", List.of("6.6.6.6, 203.0.113.9, 172.16.0.1")));
        assertEquals("203.0.113.9", addresses.of("10.1.2.3", List.of("6.6.6.6", "203.0.113.9, 10.0.0.2")));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
        ClientAddresses addresses = trusting("10.0.0.0/8");

        assertEquals("10.0.0.7", addresses.of("10.0.0.1", List.of("10.0.0.7, 10.0.0.8")));
        assertEquals("10.0.0.1", addresses.of("10.0.0.1", List.of()));
    }

    @Test
    void ipv6RangesAndBracketsWork() {
        ClientAddresses addresses = trusting("fd00::/8, ::1");

        assertTrue(addresses.isTrusted("fd12:3456::1"));
        assertTrue(addresses.isTrusted("[::1]"));
        assertFalse(addresses.isTrusted("2001:db8::1"));
        assertEquals("2001:db8::1", addresses.of("fd00::2", List.of("2001:db8::1")));
    }

    @Test
    void namesAreNeverResolvedSoTheyAreNeverTrusted() {
        ClientAddresses addresses = trusting("127.0.0.0/8");

        assertFalse(addresses.isTrusted("localhost"));
        assertEquals("localhost", addresses.of("127.0.0.1", List.of("localhost")));
    }

    @Test
    void aMistypedTrustedProxyStopsTheDeploymentWithAClearMessage() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> trusting("proxy.example.com"));
        assertTrue(error.getMessage().contains("proxy.example.com"));
        assertThrows(IllegalArgumentException.class, () -> trusting("10.0.0.0/33"));
    }
}
