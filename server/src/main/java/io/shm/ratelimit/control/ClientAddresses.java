package io.shm.ratelimit.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who the client is, for rate limits: the socket's peer, unless that peer is a trusted proxy
 * ({@code SHM_TRUSTED_PROXIES}: addresses or CIDR ranges, comma-separated); then the right-most
 * {@code X-Forwarded-For} hop that is not itself trusted. Hops left of it are whatever the client
 * wrote and are never believed. Addresses are only compared in memory: never stored, never logged.
 */
@ApplicationScoped
public class ClientAddresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    @Inject
    @ConfigProperty(name = "shm.trusted-proxies")
    Optional<String> trustedProxies;

    private List<Range> trusted = List.of();

    @PostConstruct
    void parse() {
        trusted = parseRanges(trustedProxies.orElse(""));
    }

    static List<Range> parseRanges(String spec) {
        List<Range> ranges = new ArrayList<>();
        for (String item : spec.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split("/", 2);
            InetAddress address = literal(parts[0])
                    .orElseThrow(() -> new IllegalArgumentException("shm.trusted-proxies: not an IP address: " + entry));
            int bits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("shm.trusted-proxies: bad prefix length in " + entry);
            }
            ranges.add(new Range(address.getAddress(), prefix));
        }
        return List.copyOf(ranges);
    }

    /** The address to count requests against. */
    public String of(String peer, List<String> forwardedFor) {
        if (!isTrusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!isTrusted(hops.get(i))) {
                return hops.get(i);
            }
        }
        return hops.isEmpty() ? peer : hops.get(0);
    }

    boolean isTrusted(String address) {
        if (trusted.isEmpty() || address == null) {
            return false;
        }
        Optional<InetAddress> parsed = literal(address);
        if (parsed.isEmpty()) {
            return false;
        }
        byte[] bytes = parsed.get().getAddress();
        return trusted.stream().anyMatch(range -> range.contains(bytes));
    }

    /** Parses an IP literal without ever asking DNS: anything else is not an address. */
    static Optional<InetAddress> literal(String text) {
        String candidate = text.strip();
        if (candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        if (!IPV4.matcher(candidate).matches() && !IPV6.matcher(candidate).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(candidate));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An address range in CIDR form. */
    record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = network.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .shiftRight(prefix).not();
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
