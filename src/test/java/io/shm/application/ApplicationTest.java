package io.shm.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.application.entity.Application;
import java.time.Instant;
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
}
