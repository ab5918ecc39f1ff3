package io.shm.platform;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A PostgreSQL connection string as libpq (and the original SHM server's {@code SHM_DB_DSN}) takes it,
 * translated for the JDBC driver: {@code postgres://user:password@host:port/db?sslmode=require} (or
 * {@code postgresql://}) becomes the JDBC URL {@code jdbc:postgresql://host:port/db?sslmode=require}
 * with the user and password apart, percent-decoded, so that they never appear in a URL that may be
 * logged. The keyword form {@code host=db port=5432 dbname=shm user=shm password=secret} is read too.
 *
 * <p>Parameters that both libpq and the JDBC driver know are passed on ({@code sslmode} with the same
 * values, the certificate files, the connect timeout, the application name); any other is refused,
 * since a parameter dropped in silence could be the one that secured the connection.
 */
public record PostgresDsn(String jdbcUrl, String user, String password) {

    /** libpq parameter name to the JDBC driver's. */
    private static final Map<String, String> PARAMETERS = Map.of(
            "sslmode", "sslmode",
            "sslcert", "sslcert",
            "sslkey", "sslkey",
            "sslrootcert", "sslrootcert",
            "sslpassword", "sslpassword",
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName",
            "target_session_attrs", "targetServerType");

    /** Parses {@code dsn}, or throws an {@link IllegalArgumentException} that says what is wrong, never quoting a password. */
    public static PostgresDsn parse(String dsn) {
        String text = dsn == null ? "" : dsn.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return fromUrl(text.substring(text.indexOf("://") + 3));
        }
        if (text.contains("=")) {
            return fromKeywords(text);
        }
        throw new IllegalArgumentException("not a PostgreSQL connection string: expected postgres://user:password@host:port/db");
    }

    private static PostgresDsn fromUrl(String rest) {
        int end = firstOf(rest, '/', '?');
        String authority = end < 0 ? rest : rest.substring(0, end);
        String path = "";
        String query = "";
        if (end >= 0) {
            int question = rest.indexOf('?', end);
            path = rest.substring(end, question < 0 ? rest.length() : question);
            query = question < 0 ? "" : rest.substring(question + 1);
        }
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            authority = authority.substring(at + 1);
        }
        String database = path.startsWith("/") ? decode(path.substring(1)) : "";
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            switch (name) {
                case "host" -> authority = value + authority.substring(hostOnly(authority).length());
                case "port" -> authority = hostOnly(authority) + ":" + value;
                case "dbname" -> database = value;
                case "user" -> user = value;
                case "password" -> password = value;
                default -> parameters.put(name, value);
            }
        }
        return build(authority, database, user, password, parameters);
    }

    private static PostgresDsn fromKeywords(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                throw new IllegalArgumentException("a keyword connection string has key=value pairs only");
            }
            String key = text.substring(i, equals).strip();
            i = equals + 1;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '\'') {
                i++;
                while (i < text.length() && text.charAt(i) != '\'') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                if (i >= text.length()) {
                    throw new IllegalArgumentException("unterminated quoted value of " + key);
                }
                i++;
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
            }
            values.put(key, value.toString());
        }
        String host = values.remove("host");
        String port = values.remove("port");
        String database = values.remove("dbname");
        String user = values.remove("user");
        String password = values.remove("password");
        String authority = (host == null ? "localhost" : host) + (port == null ? "" : ":" + port);
        return build(authority, database == null ? "" : database, user, password, values);
    }

    private static PostgresDsn build(String authority, String database, String user, String password,
                                     Map<String, String> parameters) {
        String hosts = authority.isEmpty() ? "localhost" : authority;
        if (hosts.startsWith("/") || hosts.startsWith("%2F") || hosts.startsWith("%2f")) {
            throw new IllegalArgumentException("a Unix socket directory as host is not supported: give a host name or address");
        }
        List<String> query = new ArrayList<>();
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String jdbcName = PARAMETERS.get(parameter.getKey());
            if (jdbcName == null) {
                throw new IllegalArgumentException("the parameter " + parameter.getKey() + " has no equivalent here; known: "
                        + PARAMETERS.keySet().stream().sorted().toList());
            }
            String value = parameter.getValue();
            if ("target_session_attrs".equals(parameter.getKey())) {
                value = switch (value) {
                    case "read-write" -> "primary";
                    case "read-only" -> "secondary";
                    case "any" -> "any";
                    default -> value;
                };
            }
            query.add(jdbcName + "=" + encode(value));
        }
        String url = "jdbc:postgresql://" + hosts + "/" + encode(database) + (query.isEmpty() ? "" : "?" + String.join("&", query));
        return new PostgresDsn(url, blankToNull(user), password);
    }

    private static String hostOnly(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon < 0 || authority.endsWith("]") ? authority : authority.substring(0, colon);
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Percent-decoding as in URLs (RFC 3986): {@code +} stays a plus, {@code %XX} is a byte of UTF-8. */
    static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new IllegalArgumentException("a % must be followed by two hexadecimal digits");
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("a % must be followed by two hexadecimal digits");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes what the JDBC driver would read as part of the URL's syntax. */
    static String encode(String text) {
        StringBuilder encoded = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    @Override
    public String toString() {
        return "PostgresDsn[" + jdbcUrl + ", user " + user + ", password " + (password == null ? "none" : "***") + "]";
    }
}
