package io.shm.application.control;

import io.shm.application.entity.GitHubRepository;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the GitHub stars of applications fresh: every hour for those read more than an hour ago,
 * and on demand for one. Once GitHub reports a rate limit, no call is made until it ends; the
 * instant is kept in memory only, as a restart at worst costs one refused call.
 *
 * <p>Outside transactions, since a run waits on GitHub for seconds per application
 * ({@link StarsStore} has its own short ones); bean-managed concurrency, so that an administrator's
 * refresh does not wait behind an hourly run.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StarsRefresher {

    /** Less than the hour between runs: last hour's run, a few seconds past the minute, must count as due. */
    static final Duration MAX_AGE = Duration.ofMinutes(55);

    @Inject
    GitHubClient github;

    @Inject
    StarsStore store;

    @Inject
    Clock clock;

    @Inject
    Logger log;

    private final AtomicReference<Instant> rateLimitedUntil = new AtomicReference<>(Instant.MIN);
    private final AtomicBoolean running = new AtomicBoolean();

    @Schedule(hour = "*", minute = "17", persistent = false, info = "GitHub stars")
    void refreshDue() {
        if (!running.compareAndSet(false, true)) {
            log.info("GitHub stars: the previous refresh is still running");
            return;
        }
        try {
            refreshAll(store.due(clock.instant(), MAX_AGE));
        } catch (RuntimeException e) {
            // The database is away, most likely; the next run tries again.
            log.log(Level.WARNING, "GitHub stars: could not refresh", e);
        } finally {
            running.set(false);
        }
    }

    private void refreshAll(List<StarsStore.Due> due) {
        int refreshed = 0;
        int failed = 0;
        for (int i = 0; i < due.size(); i++) {
            StarsStore.Due next = due.get(i);
            StarsResult result = refresh(next.slug(), next.repository(), Level.FINE);
            if (result.status() == StarsResult.Status.OK) {
                refreshed++;
            } else if (result.status() == StarsResult.Status.RATE_LIMITED) {
                int waiting = due.size() - i;
                log.info(() -> "GitHub stars: " + waiting + " application(s) wait for the rate limit to end at " + result.retryAt());
                break;
            } else {
                failed++;
            }
        }
        if (!due.isEmpty()) {
            int ok = refreshed;
            int notOk = failed;
            log.info(() -> "GitHub stars: " + ok + " of " + due.size() + " application(s) refreshed, " + notOk + " failed");
        }
    }

    /**
     * Reads the stars of one application now, unless a rate limit is running.
     *
     * @return empty when no application has this slug, or it has no GitHub repository
     */
    public Optional<StarsResult> refresh(String slug) {
        return store.repositoryOf(slug).map(repository -> refresh(slug, repository, Level.INFO));
    }

    private StarsResult refresh(String slug, GitHubRepository repository, Level okLevel) {
        Instant until = rateLimitedUntil.get();
        if (clock.instant().isBefore(until)) {
            return StarsResult.rateLimited(until);
        }
        StarsResult result = github.fetchStars(repository);
        switch (result.status()) {
            case OK -> {
                if (store.record(slug, repository, result.stars(), clock.instant())) {
                    log.log(okLevel, () -> "GitHub stars of " + slug + " (" + repository + "): " + result.stars());
                }
            }
            case RATE_LIMITED -> {
                rateLimitedUntil.accumulateAndGet(result.retryAt(), (a, b) -> a.isAfter(b) ? a : b);
                log.info(() -> "GitHub rate limit reached; no calls until " + result.retryAt());
            }
            case NOT_FOUND, FAILED -> log.warning(() -> "GitHub stars of " + slug + " (" + repository + "): " + result.reason());
        }
        return result;
    }
}
