package io.shm.ingest;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.json;
import static io.shm.ingest.IngestClients.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Deployments;
import io.shm.testing.Rows;
import io.shm.testing.TestDatabase;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many instances at once, and PostgreSQL going away in the middle of a stream. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IngestConcurrencyIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @AfterEach
    void databaseIsBack() {
        TestDatabase.get().start();
    }

    @Test
    void fiftyInstancesTimesTwentySnapshotsInParallelGiveExactlyOneThousandRows() throws Exception {
        int instances = 50;
        int snapshots = 20;
        List<ShmClient> clients = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            clients.add(activeClient(base, "Concurrency", "1.0." + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            List<Future<Integer>> accepted = new ArrayList<>();
            for (ShmClient client : clients) {
                accepted.add(pool.submit(() -> {
                    int ok = 0;
                    for (int s = 1; s <= snapshots; s++) {
                        ShmResponse response = client.snapshot(start.plusSeconds(s),
                                metrics("counter", s, "last", client.identity().instanceId().toString()));
                        ok += response.status() == 202 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : accepted) {
                assertEquals(snapshots, result.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
        long rows = Rows.number("SELECT count(*) FROM snapshot s JOIN instance i ON i.id = s.instance_id"
                + " JOIN application a ON a.id = i.application_id WHERE a.slug = 'concurrency'");
        assertEquals(instances * snapshots, rows);
        for (ShmClient client : clients) {
            JsonObject current = json((String) Rows.instance(client.identity().instanceId()).get("metrics_json"));
            assertEquals(snapshots, current.getInt("counter"), "the latest value of each instance");
            assertEquals(client.identity().instanceId().toString(), current.getString("last"));
        }
    }

    @Test
    void postgresRestartedMidStreamLosesNoAcceptedSnapshotAndAnswersNo500() throws Exception {
        int instances = 8;
        List<ShmClient> clients = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            clients.add(activeClient(base, "Outage", "1.0.0"));
        }
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<ShmClient, AtomicInteger> acceptedPerClient = new ConcurrentHashMap<>();
        Map<ShmClient, AtomicInteger> unavailablePerClient = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger acceptedAfterRestart = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean(false);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        List<Future<?>> streams = new ArrayList<>();
        for (ShmClient client : clients) {
            acceptedPerClient.put(client, new AtomicInteger());
            unavailablePerClient.put(client, new AtomicInteger());
            streams.add(pool.submit(() -> {
                int second = 0;
                while (running.get()) {
                    ShmResponse response = client.snapshot(start.plusSeconds(++second), metrics("n", second));
                    statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (response.status() == 202) {
                        acceptedPerClient.get(client).incrementAndGet();
                        if (restarted.get()) {
                            acceptedAfterRestart.incrementAndGet();
                        }
                    } else if (response.status() == 503) {
                        unavailablePerClient.get(client).incrementAndGet();
                        assertTrue(response.header("Retry-After").isPresent(), "503 says when to retry");
                        Thread.sleep(100);
                    }
                }
                return null;
            }));
        }
        try {
            Thread.sleep(1500);
            TestDatabase.get().stop();
            // Longer than the pool's own connection retries (3 x 1 s), which hide a shorter outage.
            Thread.sleep(8000);
            TestDatabase.get().start();
            restarted.set(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acceptedAfterRestart.get() < instances * 5 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            running.set(false);
            for (Future<?> stream : streams) {
                stream.get(1, TimeUnit.MINUTES);
            }
            pool.shutdownNow();
        }

        Map<Integer, Integer> seen = new TreeMap<>();
        statuses.forEach((status, count) -> seen.put(status, count.get()));
        assertTrue(seen.keySet().stream().allMatch(s -> s == 202 || s == 503), "only 202 and 503: " + seen);
        assertTrue(seen.getOrDefault(503, 0) > 0, "the outage was seen: " + seen);
        assertTrue(acceptedAfterRestart.get() >= instances * 5, "service resumed by itself: " + seen);
        for (ShmClient client : clients) {
            UUID id = client.identity().instanceId();
            long stored = Rows.snapshotsOf(id);
            int accepted = acceptedPerClient.get(client).get();
            // A commit whose answer is cut by the outage is stored although the client saw 503: the
            // outcome of such a commit is unknown to the server too. Accepted ones are never lost.
            assertTrue(stored >= accepted && stored <= accepted + unavailablePerClient.get(client).get(),
                    "every accepted snapshot is stored: accepted " + accepted + ", stored " + stored);
            long latestStored = Rows.number("SELECT max((s.metrics->>'n')::bigint) FROM snapshot s"
                    + " JOIN instance i ON i.id = s.instance_id WHERE i.instance_id = ?", id);
            assertEquals(latestStored, json((String) Rows.instance(id).get("metrics_json")).getInt("n"),
                    "the instance and its snapshots were written together: nothing half-stored");
        }
    }
}
