package io.shm.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The shared protocol vectors, computed with Node.js crypto: read from the repository's shared
 * folder when it is there ({@code shm.vectors.shared}, set by the pom), else from this module's copy.
 */
final class Vectors {

    private Vectors() {
    }

    static Map<String, Object> load() {
        String shared = System.getProperty("shm.vectors.shared");
        try {
            if (shared != null && Files.isRegularFile(Path.of(shared))) {
                return Json.readObject(Files.readString(Path.of(shared), StandardCharsets.UTF_8));
            }
            try (InputStream copy = Vectors.class.getResourceAsStream("/vectors.json")) {
                return Json.readObject(new String(copy.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(String name) {
        return (List<Map<String, Object>>) load().get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> instance(String name) {
        return (Map<String, Object>) ((Map<String, Object>) load().get("instances")).get(name);
    }
}
