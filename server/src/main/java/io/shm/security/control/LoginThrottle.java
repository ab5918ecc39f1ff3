package io.shm.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing without handing anyone a way to lock an owner out.
 *
 * <ul>
 * <li>Per account and client address: {@value #FREE_FAILURES} failures in a row are free; each further
 * attempt from that address for that account must wait {@link #PAIR_BASE} doubled per failure, up to
 * {@link #PAIR_CAP}. An attempt made while it must wait is refused without checking the password and
 * counts as a failure, so hammering only makes the wait longer. The owner, from another address, is
 * not affected.</li>
 * <li>Per account, across all addresses: only past {@value #ACCOUNT_FREE_FAILURES} failures (far more
 * than one address can make, see above and the per-address rate limit) does each further attempt wait,
 * {@link #ACCOUNT_CAP} at most: a distributed guesser is slowed to a crawl, the owner waits seconds.</li>
 * </ul>
 *
 * An attempt counts as a failure when it starts and is forgiven when it succeeds, so that concurrent
 * attempts cannot slip past the count. A success clears both counts. Counts are kept in memory on each
 * node (the per-address rate limit is the cluster-wide bound) and forgotten {@link #FORGET_AFTER}
 * after the last attempt. Addresses are never stored or logged.
 */
@ApplicationScoped
public class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration PAIR_BASE = Duration.ofMinutes(1);
    static final Duration PAIR_CAP = Duration.ofMinutes(15);
    static final int ACCOUNT_FREE_FAILURES = 100;
    static final Duration ACCOUNT_CAP = Duration.ofSeconds(30);
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    /** Above this many tracked keys, the forgotten ones are dropped. */
    static final int MAX_TRACKED = 100_000;

    @Inject
    Clock clock;

    private final Map<String, Failures> pairs = new ConcurrentHashMap<>();
    private final Map<String, Failures> accounts = new ConcurrentHashMap<>();

    /**
     * Starts an attempt by {@code address} to log in as {@code account}.
     * @return empty when the password may be checked now, else how long to wait
     */
    public Optional<Duration> begin(String account, String address) {
        Instant now = clock.instant();
        forgetOld(now);
        String name = Accounts.normalized(account);
        Optional<Duration> pairWait = pairs.computeIfAbsent(name + '\n' + address, k -> new Failures())
                .attempt(now, FREE_FAILURES, PAIR_BASE, PAIR_CAP, true);
        if (pairWait.isPresent()) {
            return pairWait;
        }
        return accounts.computeIfAbsent(name, k -> new Failures())
                .attempt(now, ACCOUNT_FREE_FAILURES, Duration.ofSeconds(1), ACCOUNT_CAP, false);
    }

    /** The attempt begun by {@code address} for {@code account} succeeded: both counts start over. */
    public void succeeded(String account, String address) {
        String name = Accounts.normalized(account);
        pairs.remove(name + '\n' + address);
        accounts.remove(name);
    }

    /** The attempt could not be judged (hashing was busy): it does not count against anyone. */
    public void undecided(String account, String address) {
        String name = Accounts.normalized(account);
        Optional.ofNullable(pairs.get(name + '\n' + address)).ifPresent(Failures::forgive);
        Optional.ofNullable(accounts.get(name)).ifPresent(Failures::forgive);
    }

    private void forgetOld(Instant now) {
        for (Map<String, Failures> map : java.util.List.of(pairs, accounts)) {
            if (map.size() > MAX_TRACKED) {
                map.values().removeIf(failures -> failures.forgotten(now));
            }
        }
    }

    /** One key's failures in a row, and until when its next attempt must wait. */
    static final class Failures {
        private int count;
        private Instant waitUntil = Instant.MIN;
        private Instant lastAttempt = Instant.MIN;

        synchronized Optional<Duration> attempt(Instant now, int free, Duration base, Duration cap, boolean escalateWhileWaiting) {
            if (lastAttempt.plus(FORGET_AFTER).isBefore(now) && !waitUntil.isAfter(now)) {
                count = 0;
            }
            lastAttempt = now;
            if (waitUntil.isAfter(now)) {
                if (!escalateWhileWaiting) {
                    return Optional.of(Duration.between(now, waitUntil));
                }
                count++;
                waitUntil = now.plus(delay(count, free, base, cap));
                return Optional.of(Duration.between(now, waitUntil));
            }
            count++;
            if (count >= free) {
                waitUntil = now.plus(delay(count, free, base, cap));
            }
            return Optional.empty();
        }

        synchronized void forgive() {
            if (count > 0) {
                count--;
            }
            if (count < FREE_FAILURES) {
                waitUntil = Instant.MIN;
            }
        }

        synchronized boolean forgotten(Instant now) {
            return lastAttempt.plus(FORGET_AFTER).isBefore(now) && !waitUntil.isAfter(now);
        }

        /** {@code base} after the {@code free}-th failure, doubled for each one after it, {@code cap} at most. */
        static Duration delay(int count, int free, Duration base, Duration cap) {
            int doublings = Math.min(count - free, 30);
            Duration delay = base.multipliedBy(1L << Math.max(0, doublings));
            return delay.compareTo(cap) > 0 ? cap : delay;
        }
    }
}
