package io.shm.platform;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The original SHM server's environment variables, read as this server's settings, so that a
 * compose file written for it keeps working: {@code SHM_DB_DSN}, {@code GITHUB_TOKEN} and the
 * {@code SHM_RATELIMIT_*_REQUESTS/_PERIOD/_BURST} rate limits. Each gives a {@code shm.*} property
 * only when that property is not set in the environment or as a system property: ours wins, and the
 * log says once which one was used. Its ordinal is just above the WAR's own defaults
 * ({@code microprofile-config.properties}, 100), so every other source of configuration wins too.
 *
 * <p>The original's register limit is one bucket for register and activate; here they are two, and
 * both get its limit. {@code SHM_RATELIMIT_CLEANUP_INTERVAL} and {@code SHM_RATELIMIT_BRUTEFORCE_*}
 * have no meaning here: accepted, and named once in the log. A value that cannot be read (a DSN or a
 * duration) is named in the log, not a reason to refuse to start: the setting keeps its default.
 */
public class OriginalServerConfigSource implements ConfigSource {

    static final int ORDINAL = 101;

    /** The original's defaults, used for the half of a limit that is not set (requests, or period). */
    private static final Map<String, Integer> ORIGINAL_REQUESTS = Map.of("REGISTER", 5, "SNAPSHOT", 1, "ADMIN", 60);
    /** The original's rate-limit scopes and the ones of this server each one sets. */
    private static final Map<String, List<String>> SCOPES = new LinkedHashMap<>();

    static {
        SCOPES.put("REGISTER", List.of("register", "activate"));
        SCOPES.put("SNAPSHOT", List.of("snapshot"));
        SCOPES.put("ADMIN", List.of("admin"));
    }

    private static final List<String> IGNORED = List.of("SHM_RATELIMIT_CLEANUP_INTERVAL",
            "SHM_RATELIMIT_BRUTEFORCE_THRESHOLD", "SHM_RATELIMIT_BRUTEFORCE_BAN");

    /** Once per deployment: Payara may build the configuration more than once. */
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private static final Logger LOG = Logger.getLogger(OriginalServerConfigSource.class.getName());

    private final Map<String, String> properties;

    public OriginalServerConfigSource() {
        this(System.getenv(), System::getProperty, LOGGED.compareAndSet(false, true) ? LOG::info : line -> { });
    }

    /**
     * @param env the environment
     * @param systemProperty system properties, which win over the environment and hence over this source
     * @param log where the lines about what was used go
     */
    OriginalServerConfigSource(Map<String, String> env, Function<String, String> systemProperty,
                               java.util.function.Consumer<String> log) {
        this.properties = Collections.unmodifiableMap(translate(env, systemProperty, log));
    }

    static Map<String, String> translate(Map<String, String> env, Function<String, String> systemProperty,
                                         java.util.function.Consumer<String> log) {
        Map<String, String> derived = new LinkedHashMap<>();
        Function<String, Boolean> ours = property -> isSet(env.get(environmentName(property)))
                || isSet(systemProperty.apply(property));

        String dsn = env.get("SHM_DB_DSN");
        if (isSet(dsn)) {
            if (ours.apply("shm.db.url")) {
                log.accept("SHM_DB_URL is set: it is used, and SHM_DB_DSN ignored");
            } else {
                try {
                    PostgresDsn parsed = PostgresDsn.parse(dsn);
                    derived.put("shm.db.url", parsed.jdbcUrl());
                    List<String> taken = new ArrayList<>(List.of("the URL"));
                    if (parsed.user() != null && !ours.apply("shm.db.user")) {
                        derived.put("shm.db.user", parsed.user());
                        taken.add("user");
                    }
                    if (parsed.password() != null && !ours.apply("shm.db.password")) {
                        derived.put("shm.db.password", parsed.password());
                        taken.add("password");
                    }
                    log.accept("SHM_DB_DSN is used for the database (SHM_DB_URL is unset): " + String.join(", ", taken)
                            + " from it; JDBC URL " + parsed.jdbcUrl());
                } catch (IllegalArgumentException e) {
                    log.accept("SHM_DB_DSN cannot be read and is ignored: " + e.getMessage());
                }
            }
        }

        String token = env.get("GITHUB_TOKEN");
        if (isSet(token)) {
            if (ours.apply("shm.github.token")) {
                log.accept("SHM_GITHUB_TOKEN is set: it is used, and GITHUB_TOKEN ignored");
            } else {
                derived.put("shm.github.token", token.strip());
                log.accept("GITHUB_TOKEN is used as the GitHub token (SHM_GITHUB_TOKEN is unset)");
            }
        }

        for (Map.Entry<String, List<String>> scope : SCOPES.entrySet()) {
            rateLimit(scope.getKey(), scope.getValue(), env, ours, derived, log);
        }

        for (String ignored : IGNORED) {
            if (isSet(env.get(ignored))) {
                log.accept(ignored + " has no meaning for this server and is ignored");
            }
        }
        return derived;
    }

    private static void rateLimit(String original, List<String> targets, Map<String, String> env,
                                  Function<String, Boolean> ours, Map<String, String> derived,
                                  java.util.function.Consumer<String> log) {
        String requestsName = "SHM_RATELIMIT_" + original + "_REQUESTS";
        String periodName = "SHM_RATELIMIT_" + original + "_PERIOD";
        String requestsText = env.get(requestsName);
        String periodText = env.get(periodName);
        if (!isSet(requestsText) && !isSet(periodText)) {
            return;
        }
        BigDecimal perMinute;
        String given;
        try {
            long requests = isSet(requestsText) ? Long.parseLong(requestsText.strip()) : ORIGINAL_REQUESTS.get(original);
            Duration period = isSet(periodText) ? GoDuration.parse(periodText) : Duration.ofMinutes(1);
            if (requests < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("at least one request in a period longer than zero");
            }
            perMinute = perMinute(requests, period);
            given = requests + " per " + (isSet(periodText) ? periodText.strip() : "1m");
        } catch (IllegalArgumentException e) {
            log.accept(requestsName + " / " + periodName + " cannot be read and are ignored: " + e.getMessage());
            return;
        }
        for (String target : targets) {
            String property = "shm.ratelimit." + target + ".per-minute";
            if (ours.apply(property)) {
                log.accept(environmentName(property) + " is set: it is used for " + target + ", and "
                        + requestsName + " / " + periodName + " ignored");
            } else {
                derived.put(property, perMinute.toPlainString());
                log.accept(requestsName + " / " + periodName + " (" + given + ") used for " + target + ": "
                        + perMinute.toPlainString() + " per minute");
            }
        }
        // The burst variables have the same names here, but the original's register burst is also activate's.
        String burst = env.get("SHM_RATELIMIT_" + original + "_BURST");
        for (String target : targets) {
            String property = "shm.ratelimit." + target + ".burst";
            if (!target.equals(original.toLowerCase(java.util.Locale.ROOT)) && isSet(burst)) {
                if (ours.apply(property)) {
                    log.accept(environmentName(property) + " is set: it is used for " + target
                            + ", and SHM_RATELIMIT_" + original + "_BURST not");
                } else {
                    derived.put(property, burst.strip());
                    log.accept("SHM_RATELIMIT_" + original + "_BURST used for " + target + " too: " + burst.strip());
                }
            }
        }
    }

    /**
     * Requests per period as requests per minute: exact when the quotient is a finite decimal
     * ({@code 1 per 30s} is 2, {@code 1 per 2m} is 0.5), else to 16 significant digits
     * ({@code 1 per 1h} is 0.01666666666666667), a relative error below 10^-15.
     */
    static BigDecimal perMinute(long requests, Duration period) {
        BigDecimal numerator = BigDecimal.valueOf(requests).multiply(BigDecimal.valueOf(60_000_000_000L));
        BigDecimal denominator = BigDecimal.valueOf(period.toNanos());
        BigDecimal exact;
        try {
            exact = numerator.divide(denominator);
        } catch (ArithmeticException repeating) {
            exact = numerator.divide(denominator, MathContext.DECIMAL64);
        }
        return exact.stripTrailingZeros();
    }

    /** {@code shm.ratelimit.register.per-minute} as MicroProfile Config looks it up in the environment. */
    static String environmentName(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "original SHM server variables";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
