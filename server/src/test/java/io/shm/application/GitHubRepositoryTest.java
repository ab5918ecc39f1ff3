package io.shm.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.application.entity.GitHubRepository;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubRepositoryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "https://github.com/btouchard/ackify|btouchard|ackify",
        "https://github.com/btouchard/ackify/|btouchard|ackify",
        "https://github.com/btouchard/ackify.git|btouchard|ackify",
        "https://github.com/My-Org/my_repo.js|My-Org|my_repo.js",
        "https://github.com/a/.github|a|.github",
        "https://github.com/a/..x|a|..x"
    })
    void aPlainRepositoryAddressIsAccepted(String url, String owner, String name) {
        assertEquals(Optional.of(new GitHubRepository(owner, name)), GitHubRepository.parse(url));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @NullAndEmptySource
    @ValueSource(strings = {
        "http://github.com/owner/repo",
        "https://gitlab.com/owner/repo",
        "https://www.github.com/owner/repo",
        "https://github.com.evil.example/owner/repo",
        "https://x@github.com/owner/repo",
        "https://github.com:443/owner/repo",
        "HTTPS://GITHUB.COM/owner/repo",
        "https://github.com/owner",
        "https://github.com/owner/",
        "https://github.com//repo",
        "https://github.com/owner/repo/issues",
        "https://github.com/owner/repo//",
        "https://github.com/owner/repo?tab=readme",
        "https://github.com/owner/repo#readme",
        "https://github.com/owner/repo.git/",
        "https://github.com/owner/repo.git.git",
        "https://github.com/owner/.",
        "https://github.com/owner/..",
        "https://github.com/owner/.git",
        "https://github.com/own_er/repo",
        "https://github.com/owner/re%2Fpo",
        "https://github.com/owner/répo",
        " https://github.com/owner/repo",
        "https://github.com/owner/repo ",
        "github.com/owner/repo"
    })
    void anythingElseIsRefused(String url) {
        assertTrue(GitHubRepository.parse(url).isEmpty());
    }

    @Test
    void ownersAndNamesHaveGitHubsMaximumLengths() {
        assertTrue(GitHubRepository.parse("https://github.com/" + "o".repeat(39) + "/" + "r".repeat(100)).isPresent());
        assertTrue(GitHubRepository.parse("https://github.com/" + "o".repeat(40) + "/r").isEmpty());
        assertTrue(GitHubRepository.parse("https://github.com/o/" + "r".repeat(101)).isEmpty());
    }

    @Test
    void theStoredAddressIsThePlainOne() {
        assertEquals("https://github.com/owner/repo", GitHubRepository.parse("https://github.com/owner/repo.git").orElseThrow().url());
    }

    @Test
    void anInvalidRepositoryCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new GitHubRepository("owner", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> new GitHubRepository(null, "repo"));
    }
}
