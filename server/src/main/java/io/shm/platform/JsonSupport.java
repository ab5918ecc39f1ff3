package io.shm.platform;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.math.BigDecimal;
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
    private static final JsonGeneratorFactory GENERATORS = PROVIDER.createGeneratorFactory(Map.of());
    private static final jakarta.json.stream.JsonParserFactory PARSERS = PROVIDER.createParserFactory(Map.of());

    private JsonSupport() {
    }

    public static JsonObjectBuilder object() {
        return BUILDERS.createObjectBuilder();
    }

    public static JsonArrayBuilder array() {
        return BUILDERS.createArrayBuilder();
    }

    public static JsonNumber value(BigDecimal number) {
        return PROVIDER.createValue(number);
    }

    public static JsonString value(String text) {
        return PROVIDER.createValue(text);
    }

    /** A streaming writer, for answers too large to build in memory. UTF-8. */
    public static JsonGenerator generator(OutputStream out) {
        return GENERATORS.createGenerator(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static JsonReader reader(InputStream in) {
        return READERS.createReader(in);
    }

    public static jakarta.json.stream.JsonParser parser(Reader in) {
        return PARSERS.createParser(in);
    }

    public static JsonReader reader(Reader in) {
        return READERS.createReader(in);
    }
}
