package io.shm.platform;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.InputStream;
import java.io.Reader;
import java.util.Map;

/**
 * The JSON-P factories, looked up once. Each static {@code Json.create...} call looks the provider up
 * again through the service loader, which scans the class path: on the ingest path that cost about a
 * sixth of the server's CPU.
 */
public final class JsonSupport {

    private static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonBuilderFactory BUILDERS = PROVIDER.createBuilderFactory(Map.of());
    private static final jakarta.json.JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());

    private JsonSupport() {
    }

    public static JsonObjectBuilder object() {
        return BUILDERS.createObjectBuilder();
    }

    public static JsonReader reader(InputStream in) {
        return READERS.createReader(in);
    }

    public static JsonReader reader(Reader in) {
        return READERS.createReader(in);
    }
}
