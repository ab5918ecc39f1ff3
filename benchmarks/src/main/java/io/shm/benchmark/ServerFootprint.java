package io.shm.benchmark;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import io.shm.testing.TestDatabase;
import io.shm.testing.WildFlyServer;
import jakarta.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The same {@code target/shm.war} on Payara Micro and on WildFly, measured the same way: from the
 * server process's start until the WAR answers {@code /api/v1/healthcheck} (boot and deployment), the
 * server JVM's resident memory (VmRSS) then, and again after the same requests (20 instances
 * registered, activated and sending 10 snapshots each, admin reads and badges). Payara Micro gets
 * WildFly's default heap settings (those of its {@code standalone.conf}), so that the heap limit is not
 * what differs; both use the same embedded PostgreSQL. Prints one line per server. On demand only:
 * <pre>mvn -q package -DskipTests &amp;&amp; mvn -q pre-integration-test -DskipTests exec:java@server-footprint</pre>
 */
public final class ServerFootprint {

    static final List<String> HEAP = List.of("-Xms64m", "-Xmx512m");
    private static final String TOKEN = "shm_footprint-token-0123456789";
    private static final Duration READY = Duration.ofMinutes(4);

    private ServerFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(System.getProperty("shm.benchmark.target", "target")).toAbsolutePath();
        System.setProperty("shm.test.db.dir", target.resolve("footprint-postgres").toString());
        System.setProperty("wildfly.home", System.getProperty("wildfly.home",
                target.resolve("wildfly").resolve("wildfly-39.0.1.Final").toString()));
        TestDatabase database = TestDatabase.get();
        Path war = target.resolve("shm.war");
        try {
            payaraMicro(target, war, database);
            wildFly(target, war, database);
        } finally {
            database.stop();
        }
    }

    private static void payaraMicro(Path target, Path war, TestDatabase database) throws Exception {
        database.createDatabase("footprint_payara");
        int port = LocalMachine.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(HEAP);
        command.addAll(List.of("-jar", target.resolve("lib").resolve("payara-micro.jar").toString(), "--nohazelcast",
                "--port", Integer.toString(port), "--deploy", war.toString(), "--contextroot", "/"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(target.resolve("footprint-payara-micro.log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("SHM_"));
        builder.environment().putAll(settings(database, "footprint_payara"));
        long started = System.nanoTime();
        Process server = builder.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + port + "/");
            long serving = awaitServing(uri, started, server);
            long afterDeploy = WildFlyServer.residentMegabytes(server.pid());
            exercise(uri);
            report("Payara Micro 6", serving, afterDeploy, WildFlyServer.residentMegabytes(server.pid()));
        } finally {
            server.destroy();
            if (!server.waitFor(1, TimeUnit.MINUTES)) {
                server.destroyForcibly();
            }
        }
    }

    /** Set up as WildFlyIT does (driver, CLI script, WAR), stopped, then started again with the WAR deployed: that start is measured. */
    private static void wildFly(Path target, Path war, TestDatabase database) throws Exception {
        database.createDatabase("footprint_wildfly");
        Path base = target.resolve("footprint-wildfly");
        WildFlyServer.freshBase(base);
        Map<String, String> environment = settings(database, "footprint_wildfly");
        try (WildFlyServer server = WildFlyServer.start(base, environment)) {
            server.cli("deploy " + target.resolve("lib").resolve("postgresql.jar"));
            server.cli("--file=" + LocalMachine.repositoryFile("server-config/wildfly-datasource.cli"));
            long before = System.nanoTime();
            server.cli("deploy " + war);
            System.out.printf("WildFly 39: jboss-cli deploy of shm.war on the running server took %d ms%n",
                    (System.nanoTime() - before) / 1_000_000);
        }
        long started = System.nanoTime();
        try (WildFlyServer server = WildFlyServer.start(base, environment)) {
            long serving = awaitServing(server.uri(), started, null);
            long afterDeploy = server.residentMegabytes();
            exercise(server.uri());
            report("WildFly 39", serving, afterDeploy, server.residentMegabytes());
        }
    }

    private static Map<String, String> settings(TestDatabase database, String name) {
        // Rate limits off: 200 snapshots from one address within seconds are the point here.
        return Map.of("SHM_DB_URL", database.jdbcUrl(name), "SHM_DB_USER", TestDatabase.USER,
                "SHM_DB_PASSWORD", TestDatabase.PASSWORD, "SHM_ADMIN_TOKEN", TOKEN, "SHM_RATELIMIT_ENABLED", "false");
    }

    /** Milliseconds from {@code started} until the WAR answers its healthcheck. */
    private static long awaitServing(URI uri, long started, Process server) throws Exception {
        long deadline = started + READY.toNanos();
        while (true) {
            if (server != null && !server.isAlive()) {
                throw new IllegalStateException("the server stopped");
            }
            try {
                HttpResponse<String> answer = Http.client().send(HttpRequest.newBuilder(uri.resolve("api/v1/healthcheck")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return (System.nanoTime() - started) / 1_000_000;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not serving after " + READY);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static void exercise(URI uri) throws Exception {
        for (int i = 0; i < 20; i++) {
            ShmClient client = new ShmClient(uri, InstanceIdentity.generate(), Http.client());
            check(client.register("Footprint App", "1.0." + i, "docker", "production", null).status(), 201);
            check(client.activate().status(), 200);
            for (int s = 0; s < 10; s++) {
                check(client.snapshot(Instant.now().minusSeconds(100 - s), Json.createObjectBuilder()
                        .add("users_count", i * s).add("plan", "pro").build()).status(), 202);
            }
        }
        for (String path : List.of("api/v1/admin/stats", "api/v1/admin/instances?limit=100", "badge/footprint-app/instances")) {
            HttpResponse<String> answer = Http.send(HttpRequest.newBuilder(uri.resolve(path))
                    .header("Authorization", "Bearer " + TOKEN).build());
            check(answer.statusCode(), 200);
        }
    }

    private static void check(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("HTTP " + status + ", expected " + expected);
        }
    }

    private static void report(String server, long serving, long afterDeploy, long afterRequests) throws IOException {
        String line = String.format("%-15s start to serving %6d ms, resident memory %4d MB after deployment, %4d MB after the requests",
                server, serving, afterDeploy, afterRequests);
        System.out.println(line);
        Files.writeString(Path.of("target", "footprint.txt"), line + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
