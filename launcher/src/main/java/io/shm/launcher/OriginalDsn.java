package io.shm.launcher;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The original SHM server's {@code SHM_DB_DSN}, a libpq connection URL
 * ({@code postgres://user:password@host:port/db?sslmode=disable}), as a JDBC URL and connection
 * properties. User and password go into the properties, never into the URL, so that the URL can be
 * shown in messages. Only what a libpq URL of a single TCP host can say is accepted; anything else is
 * refused with a message that says what is wrong.
 */
record OriginalDsn(String host, int port, String database, String user, String password, Map<String, String> options) {

    static final int DEFAULT_PORT = 5432;

    /** libpq's query parameters that pgjdbc understands, under pgjdbc's names. */
    private static final Map<String, String> OPTIONS = Map.of(
            "sslmode", "sslmode",
            "sslcert", "sslcert",
            "sslkey", "sslkey",
            "sslrootcert", "sslrootcert",
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName");

    /** @throws IllegalArgumentException saying what is wrong with the DSN (never repeating its password) */
    static OriginalDsn parse(String dsn) {
        if (dsn == null || dsn.isBlank()) {
            throw new IllegalArgumentException("the DSN is empty");
        }
        URI uri;
        try {
            uri = new URI(dsn.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the DSN is not a URL of the form postgres://user:password@host:port/database"
                    + " (characters such as @ : / in the password must be percent-encoded)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException("the DSN must start with postgres:// or postgresql://");
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().contains(",")) {
            throw new IllegalArgumentException("the DSN must name one host: postgres://user:password@host:port/database");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the DSN names no host (or a malformed one)");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String userInfo = uri.getRawUserInfo();
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the DSN names no user: postgres://user:password@host:port/database");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.contains("/")) {
            throw new IllegalArgumentException("the DSN's path must be just the database name");
        }
        if (database.isEmpty()) {
            database = user; // as libpq does
        }
        return new OriginalDsn(host, port, database, user, password, options(uri.getRawQuery()));
    }

    private static Map<String, String> options(String rawQuery) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return options;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            String jdbcName = OPTIONS.get(name);
            if (jdbcName == null) {
                throw new IllegalArgumentException("the DSN's parameter '" + name + "' is not supported (supported: "
                        + String.join(", ", new java.util.TreeSet<>(OPTIONS.keySet())) + ")");
            }
            if (name.equals("sslmode") && !value.matches("disable|allow|prefer|require|verify-ca|verify-full")) {
                throw new IllegalArgumentException("the DSN's sslmode '" + value
                        + "' is not one of disable, allow, prefer, require, verify-ca, verify-full");
            }
            if (name.equals("connect_timeout") && !value.matches("\\d{1,6}")) {
                throw new IllegalArgumentException("the DSN's connect_timeout must be a number of seconds");
            }
            options.put(jdbcName, value);
        }
        return options;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the DSN has a malformed percent-encoding");
        }
    }

    String jdbcUrl() {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostPart + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Connection properties: the DSN's user, password and options; a 10 s connect timeout unless it sets one. */
    Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "shm-import");
        options.forEach(properties::setProperty);
        return properties;
    }

    /** The DSN without its password, for messages. */
    @Override
    public String toString() {
        return "postgres://" + user + "@" + host + ":" + port + "/" + database;
    }
}
