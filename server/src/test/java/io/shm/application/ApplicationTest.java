package io.shm.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.application.entity.Application;
import io.shm.application.entity.GitHubRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Ackify|ackify",
        "Ma Super Appli|ma-super-appli",
        "Crème Brûlée!!|creme-brulee",
        "  --Hello__World--  |hello-world",
        "Ça va? Déjà 2.0|ca-va-deja-2-0",
        "日本語|app",
        "!!!|app",
        "ÅNGSTRÖM ﬁle|angstrom-file"
    })
    void slugFollowsTheClientsRule(String name, String slug) {
        assertEquals(slug, Application.slugOf(name));
    }

    @Test
    void aVeryLongNameGivesASlugOfAtMostOneHundredCharactersWithoutATrailingDash() {
        String slug = Application.slugOf("a".repeat(99) + " b" + "c".repeat(50));

        assertEquals("a".repeat(99), slug);
    }

    @Test
    void aNameIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new Application("   ", Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new Application("x".repeat(201), Instant.EPOCH));
    }

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final GitHubRepository ACKIFY = new GitHubRepository("btouchard", "ackify");

    @Test
    void starsAreDueWhenNeverReadOrOlderThanTheMaximumAge() {
        Application application = new Application("Ackify", T0);
        assertFalse(application.starsDue(T0, Duration.ofHours(1)), "no repository, nothing to read");

        application.changeGithubRepository(ACKIFY, T0);
        assertTrue(application.starsDue(T0, Duration.ofHours(1)));

        application.recordStars(42, T0);
        assertFalse(application.starsDue(T0.plus(Duration.ofMinutes(59)), Duration.ofHours(1)));
        assertTrue(application.starsDue(T0.plus(Duration.ofHours(1)), Duration.ofHours(1)));
    }

    @Test
    void anOlderReadingDoesNotReplaceANewerOne() {
        Application application = new Application("Ackify", T0);
        application.changeGithubRepository(ACKIFY, T0);
        application.recordStars(42, T0.plusSeconds(10));

        application.recordStars(40, T0);

        assertEquals(42, application.getGithubStars());
        assertEquals(T0.plusSeconds(10), application.getGithubStarsUpdatedAt());
        assertThrows(IllegalArgumentException.class, () -> application.recordStars(-1, T0.plusSeconds(20)));
    }

    @Test
    void anotherRepositoryForgetsTheStarsOfTheFormerOne() {
        Application application = new Application("Ackify", T0);
        application.changeGithubRepository(ACKIFY, T0);
        application.recordStars(42, T0);

        application.changeGithubRepository(ACKIFY, T0.plusSeconds(5));
        assertEquals(42, application.getGithubStars(), "the same repository keeps its stars");

        application.changeGithubRepository(new GitHubRepository("someone", "fork"), T0.plusSeconds(10));
        assertEquals("https://github.com/someone/fork", application.getGithubUrl());
        assertNull(application.getGithubStars());
        assertNull(application.getGithubStarsUpdatedAt());
        assertEquals(T0.plusSeconds(10), application.getUpdatedAt());

        application.changeGithubRepository(null, T0.plusSeconds(20));
        assertNull(application.getGithubUrl());
        assertEquals(Optional.empty(), application.githubRepository());
    }
}
