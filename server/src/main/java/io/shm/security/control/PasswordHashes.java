package io.shm.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * PBKDF2-HMAC-SHA256 password hashes (Jakarta Security's {@link Pbkdf2PasswordHash}) at
 * {@value #ITERATIONS} iterations, OWASP's figure. A stored hash reads
 * {@code PBKDF2WithHmacSHA256:iterations:salt:hash}, so a hash made with fewer iterations still verifies
 * and is recognised as due for an upgrade.
 *
 * <p>A hash costs a core for a good fraction of a second, so at most {@code shm.login.hash-concurrency}
 * run at once (half the cores by default, the other half stays with ingest), and at most
 * {@value #QUEUE_PER_PERMIT} callers per permit wait for their turn, none longer than
 * {@value #MAX_WAIT_SECONDS} s: a flood of logins is refused as busy instead of taking every worker
 * thread and every core.
 */
@ApplicationScoped
public class PasswordHashes {

    public static final int ITERATIONS = 600_000;
    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    static final int QUEUE_PER_PERMIT = 4;
    public static final int MAX_WAIT_SECONDS = 5;

    /** No permit within the bound: the caller answers "busy, try again". */
    public static final class BusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BusyException() {
            super("password hashing is busy", null, false, false);
        }
    }

    @Inject
    Pbkdf2PasswordHash hash;

    @Inject
    @ConfigProperty(name = "shm.login.hash-concurrency", defaultValue = "0")
    int concurrency;

    private Semaphore permits;
    private int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private String decoy;

    @PostConstruct
    void configure() {
        int size = concurrency > 0 ? concurrency : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        permits = new Semaphore(size, true);
        maxWaiting = size * QUEUE_PER_PERMIT;
        hash.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", ALGORITHM,
                "Pbkdf2PasswordHash.Iterations", Integer.toString(ITERATIONS),
                "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
        decoy = hash.generate("decoy password for unknown users".toCharArray());
    }

    /** A new hash of {@code password}. @throws BusyException when no hashing slot frees up in time */
    public String generate(String password) {
        return bounded(() -> hash.generate(password.toCharArray()));
    }

    /**
     * Whether {@code password} matches {@code stored}; with no stored hash (an unknown user), a decoy
     * costs the same time, so timing does not tell which names exist.
     * @throws BusyException when no hashing slot frees up in time
     */
    public boolean verify(String password, String stored) {
        char[] candidate = password == null ? new char[0] : password.toCharArray();
        boolean matches = bounded(() -> hash.verify(candidate, stored == null ? decoy : stored));
        return stored != null && matches;
    }

    /** Whether {@code stored} was made with fewer iterations (or another algorithm) than today's. */
    public static boolean isOutdated(String stored) {
        String[] parts = stored.split(":");
        if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
            return true;
        }
        try {
            return Integer.parseInt(parts[1]) < ITERATIONS;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The iterations recorded in a stored hash. */
    public static int iterations(String stored) {
        return Integer.parseInt(stored.split(":")[1]);
    }

    private <T> T bounded(java.util.function.Supplier<T> work) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            throw new BusyException();
        }
        boolean acquired;
        try {
            acquired = permits.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException();
        } finally {
            waiting.decrementAndGet();
        }
        if (!acquired) {
            throw new BusyException();
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
