package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpenApiCleanupTest {

    @Test
    void pathTemplatesLoseTheirRegularExpressions() {
        assertEquals("/badge/{slug}/metric/{key}", OpenApiCleanup.withoutRegex("/badge/{slug}/metric/{key: .+}"));
        assertEquals("/x/{a}/{b}", OpenApiCleanup.withoutRegex("/x/{a:[0-9]+}/{ b : \\w+ }"));
        assertEquals("/api/v1/admin/instances/{id}", OpenApiCleanup.withoutRegex("/api/v1/admin/instances/{id}"));
    }
}
