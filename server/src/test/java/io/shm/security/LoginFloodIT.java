package io.shm.security;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.LoginForm;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A flood of wrong logins does not starve ingest: password hashing holds no database connection and
 * runs a bounded number at a time, so a client sending a snapshot every 50 ms through the flood gets
 * every one accepted and readiness stays UP. Rate limits are off in this deployment, so the flood
 * reaches the hashing. Prints the ingest figures.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LoginFloodIT {

    static final int LOGINS = 64;
    static final long SNAPSHOT_EVERY_MS = 50;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void sixtyFourConcurrentWrongLoginsLeaveIngestAndReadinessAlone() throws Exception {
        ShmClient client = activeClient(base, "flood-" + UUID.randomUUID().toString().substring(0, 8), "1.0");
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(202, client.snapshot(start, metrics("n", 0)).status(), "warm");
        List<LoginForm.Prepared> forms = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            forms.add(new LoginForm(base).prepare());
        }

        List<Integer> snapshotStatuses = Collections.synchronizedList(new ArrayList<>());
        List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
        List<Integer> readiness = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sequence = new AtomicInteger(1);
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
        // One sender, as an SDK has: a snapshot every 50 ms, never two at once.
        pace.scheduleAtFixedRate(() -> {
            int i = sequence.getAndIncrement();
            long sent = System.nanoTime();
            try {
                ShmResponse response = client.snapshot(start.plusSeconds(i), metrics("n", i));
                snapshotStatuses.add(response.status());
            } catch (Exception e) {
                snapshotStatuses.add(-1);
            }
            latenciesMicros.add((System.nanoTime() - sent) / 1000);
        }, 0, SNAPSHOT_EVERY_MS, TimeUnit.MILLISECONDS);
        pace.scheduleAtFixedRate(() -> {
            try {
                readiness.add(Http.get(base, "/health/ready").statusCode());
            } catch (RuntimeException e) {
                readiness.add(-1);
            }
        }, 0, 200, TimeUnit.MILLISECONDS);

        ExecutorService attackers = Executors.newFixedThreadPool(LOGINS);
        CountDownLatch go = new CountDownLatch(1);
        Map<Integer, AtomicInteger> loginStatuses = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> logins = new ArrayList<>();
        long floodStart = System.nanoTime();
        for (LoginForm.Prepared form : forms) {
            logins.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                    // Names nobody has: each costs the same hash as a real account, and no throttle interferes.
                    int status = form.post("flood-" + UUID.randomUUID(), "wrong-password", true).status();
                    loginStatuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                } catch (Exception e) {
                    loginStatuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet();
                }
            }, attackers));
        }
        go.countDown();
        CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)).join();
        long floodMillis = (System.nanoTime() - floodStart) / 1_000_000;
        pace.shutdown();
        assertTrue(pace.awaitTermination(60, TimeUnit.SECONDS));
        attackers.shutdown();

        List<Long> latencies = new ArrayList<>(latenciesMicros);
        Collections.sort(latencies);
        long accepted = snapshotStatuses.stream().filter(s -> s == 202).count();
        System.out.printf("Login flood: %d concurrent wrong logins in %d ms, answers by status %s%n",
                LOGINS, floodMillis, new TreeMap<>(loginStatuses));
        System.out.printf("Ingest during the flood: %d snapshots sent every %d ms, %d accepted; latency p50 %.1f ms, "
                        + "p95 %.1f ms, max %.1f ms; readiness probes %d, all UP: %s%n",
                snapshotStatuses.size(), SNAPSHOT_EVERY_MS, accepted, percentile(latencies, 50), percentile(latencies, 95),
                latencies.get(latencies.size() - 1) / 1000.0, readiness.size(), readiness.stream().allMatch(s -> s == 200));

        assertEquals(List.of(), snapshotStatuses.stream().filter(s -> s != 202).toList(), "every snapshot accepted");
        assertTrue(snapshotStatuses.size() >= 10, "the sender ran through the flood: " + snapshotStatuses.size());
        assertEquals(List.of(), readiness.stream().filter(s -> s != 200).toList(), "readiness stays UP");
        assertEquals(LOGINS, loginStatuses.getOrDefault(200, new AtomicInteger()).get()
                + loginStatuses.getOrDefault(503, new AtomicInteger()).get(),
                "each login refused as wrong (200 with the message) or as busy (503): " + loginStatuses);
        assertTrue(new LoginForm(base).login("admin", System.getProperty("shm.test.admin.password")).signedIn(),
                "after the flood the owner signs in");
    }

    private static double percentile(List<Long> sortedMicros, int percent) {
        int index = Math.min(sortedMicros.size() - 1, (int) Math.ceil(percent / 100.0 * sortedMicros.size()) - 1);
        return sortedMicros.get(Math.max(0, index)) / 1000.0;
    }
}
