package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void theOriginalServersPortIsUsedWhenOursIsUnsetAndTheLogSaysSo() {
        Settings settings = Settings.fromEnvironment(Map.of("PORT", "9090"));

        assertEquals(9090, settings.httpPort());
        assertEquals(List.of("PORT is used as the HTTP port (SHM_PORT is unset)"), settings.notices());
    }

    @Test
    void oursWinsWhenBothPortsAreSet() {
        Settings settings = Settings.fromEnvironment(Map.of("PORT", "9090", "SHM_PORT", "8181"));

        assertEquals(8181, settings.httpPort());
        assertEquals(List.of("SHM_PORT is set: it is used, and PORT ignored"), settings.notices());
    }

    @Test
    void withNeitherTheDefaultPortAndNoNotice() {
        Settings settings = Settings.fromEnvironment(Map.of());

        assertEquals(Settings.DEFAULT_PORT, settings.httpPort());
        assertEquals(List.of(), settings.notices());
        assertNull(settings.databaseUrl(), "the embedded database");
    }

    @Test
    void theOriginalServersDsnNamesAnExternalDatabaseSoNoneIsEmbedded() {
        assertEquals("postgres://shm:secret@db:5432/shm", Settings.fromEnvironment(
                Map.of("SHM_DB_DSN", "postgres://shm:secret@db:5432/shm")).databaseUrl());
        assertEquals("jdbc:postgresql://ours/shm", Settings.fromEnvironment(
                Map.of("SHM_DB_DSN", "postgres://shm:secret@db:5432/shm", "SHM_DB_URL", "jdbc:postgresql://ours/shm")).databaseUrl());
    }

    @Test
    void passwordsNeverReachTheLog() {
        assertEquals("postgres://shm:***@db:5432/shm?sslmode=disable",
                Launcher.redact("postgres://shm:s3cr@t:x@db:5432/shm?sslmode=disable"));
        assertEquals("jdbc:postgresql://db/shm?user=u&password=***", Launcher.redact("jdbc:postgresql://db/shm?user=u&password=p"));
        assertEquals("postgres://db:5432/shm", Launcher.redact("postgres://db:5432/shm"));
    }
}
