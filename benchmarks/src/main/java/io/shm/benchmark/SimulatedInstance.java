package io.shm.benchmark;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One installation of a host application, as the Node SDK would be: its own Ed25519 identity, and
 * snapshots with the SDK's system metrics plus a few business ones. Not thread-safe: the benchmark
 * gives each instance to one worker at a time, as a real instance sends one snapshot at a time.
 */
final class SimulatedInstance {

    private static final String APP_NAME = "Benchmark App";
    /** Looked up once: {@code Json.createObjectBuilder()} scans the class path for it at every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private final ShmClient client;
    private final int number;
    private Instant lastTimestamp = Instant.EPOCH;
    private long snapshots;

    private SimulatedInstance(ShmClient client, int number) {
        this.client = client;
        this.number = number;
    }

    /** A new identity, not yet known to any server. */
    static SimulatedInstance create(URI server, HttpClient http, int number) {
        return new SimulatedInstance(new ShmClient(server, InstanceIdentity.generate(), http), number);
    }

    /** Registers and activates, as every SDK does at start; anything but success ends the benchmark. */
    static SimulatedInstance registered(URI server, HttpClient http, int number) throws IOException, InterruptedException {
        SimulatedInstance instance = create(server, http, number);
        expect(201, instance.client.register(APP_NAME, "1.0." + number % 10, "docker", "production", "linux/amd64"), "register");
        expect(200, instance.client.activate(), "activate");
        return instance;
    }

    /**
     * Signs the next snapshot and posts it on the worker's connection, with the SDK's headers.
     *
     * @return the HTTP status of the answer
     */
    int sendSnapshot(KeepAliveConnection connection) throws IOException {
        byte[] body = nextSnapshotBody();
        return connection.post("/v1/snapshot", client.signedHeaders(body), body);
    }

    /** The bytes the SDK would send next, and sign. */
    byte[] nextSnapshotBody() {
        return client.snapshotBody(nextTimestamp(), nextMetrics());
    }

    UUID instanceId() {
        return client.identity().instanceId();
    }

    InstanceIdentity identity() {
        return client.identity();
    }

    /**
     * Now, but always later than the previous one: the server refuses a snapshot that is not later
     * than the last it accepted, and the wire carries milliseconds.
     */
    Instant nextTimestamp() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusMillis(1);
        return lastTimestamp;
    }

    /** Eleven keys, numbers and strings, of the size a real snapshot has. */
    JsonObject nextMetrics() {
        snapshots++;
        return JSON.createObjectBuilder()
                .add("documents_created", 1000 + snapshots * 3)
                .add("active_users", 20 + number % 50)
                .add("webhooks_sent", snapshots)
                .add("plan", number % 3 == 0 ? "team" : "community")
                .add("sys_os", "linux")
                .add("sys_arch", "x64")
                .add("sys_cpu_cores", 4)
                .add("sys_node_version", "v22.11.0")
                .add("sys_mode", "production")
                .add("app_mem_rss_mb", 80 + snapshots % 40)
                .add("app_uptime_h", snapshots / 3600.0)
                .build();
    }

    private static void expect(int status, ShmResponse response, String what) {
        if (response.status() != status) {
            throw new IllegalStateException(what + " answered " + response.status() + " instead of " + status + ": " + response.body());
        }
    }
}
