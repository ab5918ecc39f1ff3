package io.shm.monitoring.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptionalApisTest {

    @Test
    void anApiOnTheClassPathIsAvailable() {
        assertTrue(OptionalApis.available("org.eclipse.microprofile.health.HealthCheck"));
    }

    @Test
    void anApiMissingFromTheServerIsNot() {
        assertFalse(OptionalApis.available("org.eclipse.microprofile.metrics.NoSuchType"));
    }
}
