package io.shm.sdk;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code java -jar shm-client.jar}: one report from a shell script or cron job. Registers and
 * activates the instance if need be, sends one snapshot, prints each answer of the server, and
 * exits 0 when the snapshot was accepted (202), 1 when it was refused or the server could not be
 * reached, 2 on bad arguments. Under {@code DO_NOT_TRACK} it sends nothing and exits 0.
 */
public final class Main {

    static final int ACCEPTED = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    static final String USAGE_TEXT = """
            Usage: java -jar shm-client.jar --server URL --app NAME --app-version VERSION [options]

            Sends one signed snapshot to an SHM server (registering and activating the instance
            the first time), prints the server's answers, and exits 0 when the snapshot was
            accepted, 1 when it was refused or the server unreachable, 2 on bad arguments.

              --server URL             the SHM server, e.g. https://shm.example.com
              --app NAME               the application's name
              --app-version VERSION    its version
              --data-dir DIR           where the identity file is kept (default: the working directory)
              --environment NAME       production, staging... (default: empty)
              --deployment-mode MODE   docker, kubernetes, standalone... (default: guessed)
              --metric KEY=VALUE       a metric, repeatable; a JSON number is sent as a number,
                                       true and false as booleans, anything else as a string
              --metrics-file FILE      a JSON object of metrics (--metric entries override its keys)
              --no-system-metrics      leave out the sys_* keys (also SHM_COLLECT_SYSTEM_METRICS=false)
              --max-wait SECONDS       how long to keep retrying answers 429 and 503 (default: 120)
              --help                   this text

            DO_NOT_TRACK=1 (or true) sends nothing and exits 0.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()::get, System.out, System.err));
    }

    static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("shm-client: " + e.getMessage());
            err.println();
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (arguments.help) {
            out.print(USAGE_TEXT);
            return ACCEPTED;
        }
        ShmReporter.Builder builder = ShmReporter.builder(arguments.server, arguments.app, arguments.appVersion)
                .environment(arguments.environment)
                .deploymentMode(arguments.deploymentMode)
                .dataDirectory(Path.of(arguments.dataDir))
                .retryWindow(arguments.maxWait)
                .metrics(() -> arguments.metrics)
                .withoutProcessMetrics()
                .environmentVariables(env);
        if (arguments.noSystemMetrics) {
            builder.systemMetrics(false);
        }
        ShmReporter reporter = builder.build();
        List<ShmReporter.Step> steps = reporter.report(Instant.now().plus(arguments.maxWait));
        for (ShmReporter.Step step : steps) {
            Outcome outcome = step.outcome();
            String line = step.name() + ": " + outcome + (outcome.body().isBlank() ? "" : " " + outcome.body().strip());
            boolean noAnswer = outcome.kind() == Outcome.Kind.UNREACHABLE || outcome.kind() == Outcome.Kind.FAILED;
            (noAnswer ? err : out).println(line);
        }
        Outcome last = steps.get(steps.size() - 1).outcome();
        if (last.accepted()) {
            return ACCEPTED;
        }
        // Opting out is the user's choice, not a failure of the job that runs this command.
        boolean optedOut = last.kind() == Outcome.Kind.DISABLED && last.reason().equals(ShmReporter.DO_NOT_TRACK);
        return optedOut ? ACCEPTED : FAILED;
    }

    /** The command line, checked. */
    static final class Arguments {
        String server;
        String app;
        String appVersion;
        String dataDir = ".";
        String environment;
        String deploymentMode;
        final Map<String, Object> metrics = new LinkedHashMap<>();
        boolean noSystemMetrics;
        boolean help;
        Duration maxWait = Duration.ofSeconds(120);

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            Map<String, Object> fromFlags = new LinkedHashMap<>();
            String metricsFile = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String inline = null;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    inline = arg.substring(equals + 1);
                }
                switch (name) {
                    case "--help", "-h" -> parsed.help = true;
                    case "--no-system-metrics" -> parsed.noSystemMetrics = true;
                    case "--server", "--app", "--app-version", "--data-dir", "--environment", "--deployment-mode",
                            "--metric", "--metrics-file", "--max-wait" -> {
                        String value = inline;
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new IllegalArgumentException(name + " needs a value");
                            }
                            value = args[++i];
                        }
                        switch (name) {
                            case "--server" -> parsed.server = value;
                            case "--app" -> parsed.app = value;
                            case "--app-version" -> parsed.appVersion = value;
                            case "--data-dir" -> parsed.dataDir = value;
                            case "--environment" -> parsed.environment = value;
                            case "--deployment-mode" -> parsed.deploymentMode = value;
                            case "--metrics-file" -> metricsFile = value;
                            case "--max-wait" -> parsed.maxWait = seconds(value);
                            default -> metric(value, fromFlags);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (parsed.help) {
                return parsed;
            }
            require(parsed.server, "--server");
            require(parsed.app, "--app");
            require(parsed.appVersion, "--app-version");
            if (!parsed.server.matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
                throw new IllegalArgumentException("--server must be an http:// or https:// URL, not " + parsed.server);
            }
            if (metricsFile != null) {
                parsed.metrics.putAll(readMetricsFile(Path.of(metricsFile)));
            }
            parsed.metrics.putAll(fromFlags);
            return parsed;
        }

        private static void require(String value, String flag) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(flag + " is required");
            }
        }

        private static Duration seconds(String value) {
            try {
                long seconds = Long.parseLong(value);
                if (seconds >= 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--max-wait takes a number of seconds, not " + value);
        }

        private static void metric(String entry, Map<String, Object> metrics) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--metric takes KEY=VALUE, not " + entry);
            }
            metrics.put(entry.substring(0, equals), value(entry.substring(equals + 1)));
        }

        /** A JSON number as a number, true and false as booleans, anything else as the string itself. */
        static Object value(String text) {
            if (text.equals("true") || text.equals("false")) {
                return Boolean.valueOf(text);
            }
            if (JSON_NUMBER.matcher(text).matches()) {
                BigDecimal number = new BigDecimal(text);
                if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                    try {
                        return Long.parseLong(text);
                    } catch (NumberFormatException tooLarge) {
                        return number;
                    }
                }
                return number;
            }
            return text;
        }

        private static Map<String, Object> readMetricsFile(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --metrics-file " + file + ": " + e.getMessage());
            }
            try {
                return Json.readObject(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--metrics-file " + file + " is not a JSON object: " + e.getMessage());
            }
        }
    }
}
