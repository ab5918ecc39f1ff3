package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UuidsTest {

    private static final UUID ID = UUID.fromString("3f2a6c1e-8b4d-4e2f-9a71-0c5d2e8f1b34");

    @ParameterizedTest
    @ValueSource(strings = {"3f2a6c1e-8b4d-4e2f-9a71-0c5d2e8f1b34", "3F2A6C1E-8B4D-4E2F-9A71-0C5D2E8F1B34"})
    void theCanonicalFormInEitherCaseIsTheId(String text) {
        assertEquals(Optional.of(ID), Uuids.parseCanonical(text));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"1-2-3-4-5", "3f2a6c1e-8b4d-4e2f-9a71-0c5d2e8f1b3", "3f2a6c1e-8b4d-4e2f-9a71-0c5d2e8f1b345",
            " 3f2a6c1e-8b4d-4e2f-9a71-0c5d2e8f1b3", "3f2a6c1e+8b4d-4e2f-9a71-0c5d2e8f1b34", "3f2a6c1e-8b4d-4e2f-9a71-0c5d2e8f1b3g",
            "00000000000000000000000000000000000a"})
    void anythingElseIsNoId(String text) {
        assertTrue(Uuids.parseCanonical(text).isEmpty(), text);
    }
}
