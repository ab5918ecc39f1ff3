package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginalServerConfigSourceTest {

    private final List<String> log = new ArrayList<>();
    private final Map<String, String> systemProperties = new HashMap<>();

    private Map<String, String> translate(Map<String, String> env) {
        return new OriginalServerConfigSource(env, systemProperties::get, log::add).getProperties();
    }

    @Test
    void theOriginalsDsnGivesTheDatabaseWhenOursIsUnset() {
        Map<String, String> derived = translate(Map.of("SHM_DB_DSN", "postgres://shm:s%3Acret@db:5432/shm?sslmode=disable"));

        assertEquals("jdbc:postgresql://db:5432/shm?sslmode=disable", derived.get("shm.db.url"));
        assertEquals("shm", derived.get("shm.db.user"));
        assertEquals("s:cret", derived.get("shm.db.password"));
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("SHM_DB_DSN is used for the database"), log.get(0));
        assertFalse(log.get(0).contains("s:cret") || log.get(0).contains("s%3Acret"), "the password is never logged");
    }

    @Test
    void oursWinsWhereBothAreSetAndTheLogSaysWhich() {
        Map<String, String> derived = translate(Map.of("SHM_DB_DSN", "postgres://shm:secret@db/shm",
                "SHM_DB_URL", "jdbc:postgresql://ours/shm", "GITHUB_TOKEN", "theirs", "SHM_GITHUB_TOKEN", "ours"));

        assertEquals(Map.of(), derived);
        assertEquals(List.of("SHM_DB_URL is set: it is used, and SHM_DB_DSN ignored",
                "SHM_GITHUB_TOKEN is set: it is used, and GITHUB_TOKEN ignored"), log);
    }

    @Test
    void aSystemPropertyOfOursWinsToo() {
        systemProperties.put("shm.db.url", "jdbc:postgresql://ours/shm");
        assertFalse(translate(Map.of("SHM_DB_DSN", "postgres://u:p@db/shm")).containsKey("shm.db.url"));
    }

    @Test
    void theDsnsUserIsNotTakenWhenOursIsSet() {
        Map<String, String> derived = translate(Map.of("SHM_DB_DSN", "postgres://theirs:secret@db/shm", "SHM_DB_USER", "ours"));

        assertEquals("jdbc:postgresql://db/shm", derived.get("shm.db.url"));
        assertFalse(derived.containsKey("shm.db.user"));
        assertEquals("secret", derived.get("shm.db.password"));
    }

    @Test
    void anUnreadableDsnIsNamedInTheLogAndIgnored() {
        assertEquals(Map.of(), translate(Map.of("SHM_DB_DSN", "mysql://u:p@h/d")));
        assertTrue(log.get(0).startsWith("SHM_DB_DSN cannot be read and is ignored"), log.toString());
    }

    @Test
    void theGithubTokenIsTakenWhenOursIsUnset() {
        assertEquals(Map.of("shm.github.token", "ghp_x"), translate(Map.of("GITHUB_TOKEN", " ghp_x ")));
        assertFalse(log.get(0).contains("ghp_x"), "the token is never logged");
    }

    @Test
    void rateLimitsPerPeriodBecomePerMinuteAndTheRegisterBucketAlsoLimitsActivate() {
        Map<String, String> derived = translate(Map.of(
                "SHM_RATELIMIT_REGISTER_REQUESTS", "10", "SHM_RATELIMIT_REGISTER_PERIOD", "30s", "SHM_RATELIMIT_REGISTER_BURST", "4",
                "SHM_RATELIMIT_SNAPSHOT_PERIOD", "1h",
                "SHM_RATELIMIT_ADMIN_REQUESTS", "90"));

        assertEquals("20", derived.get("shm.ratelimit.register.per-minute"));
        assertEquals("20", derived.get("shm.ratelimit.activate.per-minute"));
        assertEquals("4", derived.get("shm.ratelimit.activate.burst"), "the original's register burst is activate's too");
        assertFalse(derived.containsKey("shm.ratelimit.register.burst"), "read by its own name: it is ours too");
        assertEquals("0.01666666666666667", derived.get("shm.ratelimit.snapshot.per-minute"), "1 (the original's default) per hour");
        assertEquals("90", derived.get("shm.ratelimit.admin.per-minute"), "per 1m, the original's default period");
        assertEquals(5, log.size(), log.toString());
        assertTrue(log.contains("SHM_RATELIMIT_REGISTER_REQUESTS / SHM_RATELIMIT_REGISTER_PERIOD (10 per 30s) used for activate: 20 per minute"), log.toString());
    }

    @Test
    void ourRateLimitWinsPerScope() {
        Map<String, String> derived = translate(Map.of("SHM_RATELIMIT_REGISTER_REQUESTS", "10",
                "SHM_RATELIMIT_ACTIVATE_PER_MINUTE", "3", "SHM_RATELIMIT_REGISTER_BURST", "4", "SHM_RATELIMIT_ACTIVATE_BURST", "1"));

        assertEquals(Map.of("shm.ratelimit.register.per-minute", "10"), derived);
        assertTrue(log.contains("SHM_RATELIMIT_ACTIVATE_PER_MINUTE is set: it is used for activate, and "
                + "SHM_RATELIMIT_REGISTER_REQUESTS / SHM_RATELIMIT_REGISTER_PERIOD ignored"), log.toString());
        assertTrue(log.contains("SHM_RATELIMIT_ACTIVATE_BURST is set: it is used for activate, and SHM_RATELIMIT_REGISTER_BURST not"), log.toString());
    }

    @Test
    void unreadableLimitsAreNamedAndIgnored() {
        assertEquals(Map.of(), translate(Map.of("SHM_RATELIMIT_SNAPSHOT_PERIOD", "1 day", "SHM_RATELIMIT_ADMIN_REQUESTS", "0",
                "SHM_RATELIMIT_REGISTER_REQUESTS", "many")));
        assertEquals(3, log.size(), log.toString());
        assertTrue(log.stream().allMatch(line -> line.contains("cannot be read and are ignored")), log.toString());
    }

    @Test
    void variablesWithoutMeaningHereGetOneInfoLineEach() {
        assertEquals(Map.of(), translate(Map.of("SHM_RATELIMIT_CLEANUP_INTERVAL", "10m",
                "SHM_RATELIMIT_BRUTEFORCE_THRESHOLD", "5", "SHM_RATELIMIT_BRUTEFORCE_BAN", "1h")));
        assertEquals(List.of("SHM_RATELIMIT_CLEANUP_INTERVAL has no meaning for this server and is ignored",
                "SHM_RATELIMIT_BRUTEFORCE_THRESHOLD has no meaning for this server and is ignored",
                "SHM_RATELIMIT_BRUTEFORCE_BAN has no meaning for this server and is ignored"), log);
    }

    @Test
    void nothingOfTheOriginalGivesNothingAndSaysNothing() {
        assertEquals(Map.of(), translate(Map.of("SHM_DB_URL", "jdbc:postgresql://x/y", "PATH", "/usr/bin")));
        assertEquals(List.of(), log);
    }

    @Test
    void perMinuteIsExactWhenItCanBeAndSixteenDigitsWhenItRepeats() {
        assertEquals("2", OriginalServerConfigSource.perMinute(1, Duration.ofSeconds(30)).toPlainString());
        assertEquals("0.5", OriginalServerConfigSource.perMinute(1, Duration.ofMinutes(2)).toPlainString());
        assertEquals("120", OriginalServerConfigSource.perMinute(1, Duration.ofMillis(500)).toPlainString());
        assertEquals("0.6666666666666667", OriginalServerConfigSource.perMinute(60, Duration.parse("PT1H30M")).toPlainString());
        assertEquals("0.01666666666666667", OriginalServerConfigSource.perMinute(1, Duration.ofHours(1)).toPlainString());
    }

    @Test
    void microProfileConfigFindsItAsAServiceOfTheWar() {
        assertTrue(java.util.ServiceLoader.load(org.eclipse.microprofile.config.spi.ConfigSource.class).stream()
                .anyMatch(provider -> provider.type() == OriginalServerConfigSource.class));
    }

    @Test
    void itSitsJustAboveTheWarsDefaultsSoEveryOtherSourceWins() {
        OriginalServerConfigSource source = new OriginalServerConfigSource(Map.of("GITHUB_TOKEN", "t"), key -> null, line -> { });
        assertEquals(101, source.getOrdinal());
        assertEquals("t", source.getValue("shm.github.token"));
        assertEquals(java.util.Set.of("shm.github.token"), source.getPropertyNames());
    }
}
