package io.shm.application.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shm.application.entity.Application;
import io.shm.application.entity.GitHubRepository;
import io.shm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class StarsRefresherTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:17:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final ScriptedGitHub github = new ScriptedGitHub();
    private final InMemoryStars store = new InMemoryStars();
    private final StarsRefresher refresher = new StarsRefresher();

    StarsRefresherTest() {
        refresher.github = github;
        refresher.store = store;
        refresher.clock = clock;
        refresher.log = Logger.getLogger(StarsRefresher.class.getName());
    }

    private Application application(String name, String owner) {
        Application application = new Application(name, T0.minus(Duration.ofDays(30)));
        application.changeGithubRepository(new GitHubRepository(owner, Application.slugOf(name)), T0.minus(Duration.ofDays(30)));
        store.applications.put(application.getSlug(), application);
        return application;
    }

    @Test
    void theHourlyRunReadsStarsNeverReadOrReadAnHourAgo() {
        Application never = application("Never", "a");
        Application lastHour = application("Last Hour", "b");
        lastHour.recordStars(10, T0.minus(Duration.ofHours(1)).plusSeconds(4));
        Application recent = application("Recent", "c");
        recent.recordStars(20, T0.minus(Duration.ofMinutes(20)));
        Application none = new Application("No Repository", T0);
        store.applications.put(none.getSlug(), none);
        github.answer(StarsResult.ok(1), StarsResult.ok(11));

        refresher.refreshDue();

        assertEquals(List.of("a/never", "b/last-hour"), github.asked);
        assertEquals(1, never.getGithubStars());
        assertEquals(11, lastHour.getGithubStars());
        assertEquals(T0, lastHour.getGithubStarsUpdatedAt());
        assertEquals(20, recent.getGithubStars());
    }

    @Test
    void aFailureKeepsTheStarsAndTheRunGoesOn() {
        Application gone = application("Gone", "a");
        gone.recordStars(5, T0.minus(Duration.ofHours(2)));
        Application broken = application("Broken", "b");
        Application fine = application("Fine", "c");
        github.answer(StarsResult.notFound(), StarsResult.failed("HTTP 500"), StarsResult.ok(3));

        refresher.refreshDue();

        assertEquals(5, gone.getGithubStars());
        assertEquals(T0.minus(Duration.ofHours(2)), gone.getGithubStarsUpdatedAt());
        assertNull(broken.getGithubStars());
        assertEquals(3, fine.getGithubStars());
    }

    @Test
    void noCallIsMadeWhileARateLimitRuns() {
        application("First", "a");
        Application second = application("Second", "b");
        Instant reset = T0.plus(Duration.ofMinutes(30));
        github.answer(StarsResult.rateLimited(reset));

        refresher.refreshDue();

        assertEquals(List.of("a/first"), github.asked, "the run stops at the limit");

        clock.advance(Duration.ofMinutes(29));
        assertEquals(Optional.of(StarsResult.rateLimited(reset)), refresher.refresh("second"));
        refresher.refreshDue();
        assertEquals(1, github.asked.size(), "still limited");

        clock.advance(Duration.ofMinutes(1));
        github.answer(StarsResult.ok(8));
        assertEquals(Optional.of(StarsResult.ok(8)), refresher.refresh("second"));
        assertEquals(8, second.getGithubStars());
    }

    @Test
    void anApplicationWithoutRepositoryHasNothingToRefresh() {
        Application none = new Application("No Repository", T0);
        store.applications.put(none.getSlug(), none);

        assertEquals(Optional.empty(), refresher.refresh("no-repository"));
        assertEquals(Optional.empty(), refresher.refresh("unknown"));
        assertEquals(List.of(), github.asked);
    }

    @Test
    void starsReadForARepositoryThatWasReplacedMeanwhileAreDropped() {
        Application application = application("Moving", "a");
        github.onAsk = () -> application.changeGithubRepository(new GitHubRepository("b", "moved"), clock.instant());
        github.answer(StarsResult.ok(99));

        assertEquals(Optional.of(StarsResult.ok(99)), refresher.refresh("moving"));

        assertNull(application.getGithubStars());
    }

    /** Answers from a script, and notes what it was asked. */
    private static final class ScriptedGitHub extends GitHubClient {
        final List<String> asked = new ArrayList<>();
        final Deque<StarsResult> answers = new ArrayDeque<>();
        Runnable onAsk = () -> { };

        void answer(StarsResult... results) {
            answers.addAll(List.of(results));
        }

        @Override
        public StarsResult fetchStars(GitHubRepository repository) {
            asked.add(repository.toString());
            onAsk.run();
            return answers.removeFirst();
        }
    }

    /** The store's rules over applications held in memory. */
    private static final class InMemoryStars extends StarsStore {
        final Map<String, Application> applications = new LinkedHashMap<>();

        @Override
        public List<Due> due(Instant now, Duration maxAge) {
            return applications.values().stream()
                    .filter(application -> application.starsDue(now, maxAge))
                    .map(application -> new Due(application.getSlug(), application.githubRepository().orElseThrow()))
                    .toList();
        }

        @Override
        public Optional<GitHubRepository> repositoryOf(String slug) {
            return Optional.ofNullable(applications.get(slug)).flatMap(Application::githubRepository);
        }

        @Override
        public boolean record(String slug, GitHubRepository repository, int stars, Instant at) {
            Optional<Application> application = Optional.ofNullable(applications.get(slug))
                    .filter(found -> found.githubRepository().filter(repository::equals).isPresent());
            application.ifPresent(found -> found.recordStars(stars, at));
            return application.isPresent();
        }
    }
}
