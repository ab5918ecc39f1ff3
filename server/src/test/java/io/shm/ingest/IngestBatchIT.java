package io.shm.ingest;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Deployments;
import io.shm.testing.Rows;
import io.shm.testing.TestDatabase;
import java.net.URL;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group commit on a deployment whose batches are written when three snapshots wait (or five seconds
 * after the first): what a batch answers when one of its snapshots is a replay, when the database
 * refuses one of its statements, when its commit fails and when PostgreSQL stops while it runs. The ordering and durability of batches under load are
 * {@link IngestConcurrencyIT}'s, on the default batching.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IngestBatchIT {

    /** Deferred to the commit: a snapshot reporting this key makes its whole batch's commit fail. */
    private static final String FAIL_COMMIT = "fail_commit";
    /** A snapshot reporting this key keeps its batch's statement running for a minute. */
    private static final String SLOW = "slow_statement";
    /** A snapshot reporting this key is refused by the database when its statement runs. */
    private static final String REFUSED_VALUE = "refused_value";

    @Deployment(testable = false)
    @TargetsContainer("payara-micro-batching")
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    private final ExecutorService senders = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() {
        senders.shutdownNow();
        TestDatabase.get().start();
        Rows.update("DROP TRIGGER IF EXISTS shm_test_fail_commit ON instance");
        Rows.update("DROP TRIGGER IF EXISTS shm_test_slow ON instance");
        Rows.update("DROP TRIGGER IF EXISTS shm_test_refuse_value ON instance");
        Rows.update("DROP FUNCTION IF EXISTS shm_test_fail_commit()");
        Rows.update("DROP FUNCTION IF EXISTS shm_test_slow()");
        Rows.update("DROP FUNCTION IF EXISTS shm_test_refuse_value()");
    }

    @Test
    void aSnapshotSentTwiceInOneBatchIsStoredOnceAndTheCopyIsAReplay() throws Exception {
        ShmClient client = activeClient(base, "Batch", "1.0.0");
        ShmClient other = activeClient(base, "Batch", "1.0.0");
        byte[] body = client.snapshotBody(start.plusSeconds(1), metrics("n", 1));
        List<Integer> statuses = statuses(List.of(
                () -> client.sendSigned("/v1/snapshot", body),
                () -> client.sendSigned("/v1/snapshot", body),
                () -> other.snapshot(start.plusSeconds(1), metrics("n", 1))));
        assertEquals(202, statuses.get(2), "the other instance of the batch");
        assertEquals(Set.of(202, 409), Set.copyOf(statuses.subList(0, 2)), "one stored, the copy refused: " + statuses);
        assertEquals(1, Rows.snapshotsOf(client.identity().instanceId()));
        assertEquals(1, Rows.snapshotsOf(other.identity().instanceId()));
    }

    @Test
    void snapshotsOfOneInstanceInOneBatchKeepTheReplayRuleOfSingleWrites() throws Exception {
        ShmClient client = activeClient(base, "Batch", "1.0.0");
        ShmClient other = activeClient(base, "Batch", "1.0.0");
        Instant later = start.plusSeconds(20);
        List<Integer> statuses = statuses(List.of(
                () -> client.snapshot(later, metrics("n", 2)),
                () -> client.snapshot(start.plusSeconds(10), metrics("n", 1)),
                () -> other.snapshot(start.plusSeconds(10), metrics("n", 1))));
        // Whichever arrived first: the later one is stored; the earlier one too only if written before it.
        assertEquals(202, statuses.get(0), "the later snapshot: " + statuses);
        assertTrue(Set.of(202, 409).contains(statuses.get(1)), "the earlier snapshot: " + statuses);
        long accepted = statuses.subList(0, 2).stream().filter(status -> status == 202).count();
        assertEquals(accepted, Rows.snapshotsOf(client.identity().instanceId()), "stored exactly what was accepted");
        assertEquals(1, Rows.number("SELECT count(*) FROM instance WHERE instance_id = ? AND last_snapshot_at = ?",
                client.identity().instanceId(), later.atOffset(ZoneOffset.UTC)), "the instance's last snapshot is the later one");
        assertEquals(202, statuses.get(2));
    }

    @Test
    void aBatchWhoseCommitFailsAnswers503ToEveryRequestAndStoresNothing() throws Exception {
        // A serialization failure raised at the commit, as a real one would be: the batch's statements all ran.
        raiseOnMetric("shm_test_fail_commit", "CONSTRAINT TRIGGER shm_test_fail_commit AFTER UPDATE ON instance"
                + " DEFERRABLE INITIALLY DEFERRED", FAIL_COMMIT, "40001");
        List<ShmClient> clients = List.of(activeClient(base, "Batch", "1.0.0"), activeClient(base, "Batch", "1.0.0"),
                activeClient(base, "Batch", "1.0.0"));
        List<Callable<ShmResponse>> sends = List.of(
                () -> clients.get(0).snapshot(start.plusSeconds(1), metrics(FAIL_COMMIT, 1)),
                () -> clients.get(1).snapshot(start.plusSeconds(1), metrics("n", 1)),
                () -> clients.get(2).snapshot(start.plusSeconds(1), metrics("n", 1)));
        List<ShmResponse> answers = answers(sends);
        for (ShmResponse answer : answers) {
            assertEquals(503, answer.status(), answer.body());
            assertTrue(answer.header("Retry-After").isPresent(), "503 says when to retry");
        }
        for (ShmClient client : clients) {
            assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()));
            assertEquals(null, Rows.instance(client.identity().instanceId()).get("last_snapshot_at"), "nothing half-stored");
        }
        // The same snapshots once the commit can succeed (the two innocent ones: the third is refused again).
        Rows.update("DROP TRIGGER shm_test_fail_commit ON instance");
        List<Integer> again = statuses(List.of(
                () -> clients.get(0).snapshot(start.plusSeconds(2), metrics("n", 2)),
                () -> clients.get(1).snapshot(start.plusSeconds(1), metrics("n", 1)),
                () -> clients.get(2).snapshot(start.plusSeconds(1), metrics("n", 1))));
        assertEquals(List.of(202, 202, 202), again);
        for (ShmClient client : clients) {
            assertEquals(1, Rows.snapshotsOf(client.identity().instanceId()));
        }
    }

    @Test
    void aStatementTheDatabaseRefusesFailsOnlyItsOwnSnapshotAndTheRestOfTheBatchIsStored() throws Exception {
        // A value refused when its statement runs (class 22, as an out-of-range number would be): the
        // batch is rolled back and written again one by one.
        raiseOnMetric("shm_test_refuse_value", "TRIGGER shm_test_refuse_value BEFORE UPDATE ON instance", REFUSED_VALUE, "22023");
        List<ShmClient> clients = List.of(activeClient(base, "Batch", "1.0.0"), activeClient(base, "Batch", "1.0.0"),
                activeClient(base, "Batch", "1.0.0"));
        List<Integer> statuses = statuses(List.of(
                () -> clients.get(0).snapshot(start.plusSeconds(1), metrics("n", 1)),
                () -> clients.get(1).snapshot(start.plusSeconds(1), metrics(REFUSED_VALUE, 1)),
                () -> clients.get(2).snapshot(start.plusSeconds(1), metrics("n", 1))));
        assertEquals(List.of(202, 400, 202), statuses, "the refused value is the client's, the others are stored");
        assertEquals(1, Rows.snapshotsOf(clients.get(0).identity().instanceId()));
        assertEquals(0, Rows.snapshotsOf(clients.get(1).identity().instanceId()));
        assertEquals(1, Rows.snapshotsOf(clients.get(2).identity().instanceId()));
    }

    @Test
    void postgresStoppingWhileABatchIsWrittenAnswers503AndTheNextBatchIsStored() throws Exception {
        Rows.update("""
                CREATE FUNCTION shm_test_slow() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_sleep(60);
                    RETURN NULL;
                END $$""");
        Rows.update("CREATE TRIGGER shm_test_slow AFTER UPDATE ON instance FOR EACH ROW"
                + " WHEN (NEW.metrics ->> '" + SLOW + "' IS NOT NULL) EXECUTE FUNCTION shm_test_slow()");
        List<ShmClient> clients = List.of(activeClient(base, "Batch", "1.0.0"), activeClient(base, "Batch", "1.0.0"),
                activeClient(base, "Batch", "1.0.0"));
        List<Future<ShmResponse>> pending = new ArrayList<>();
        pending.add(senders.submit(() -> clients.get(0).snapshot(start.plusSeconds(1), metrics(SLOW, 1))));
        pending.add(senders.submit(() -> clients.get(1).snapshot(start.plusSeconds(1), metrics("n", 1))));
        pending.add(senders.submit(() -> clients.get(2).snapshot(start.plusSeconds(1), metrics("n", 1))));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (Rows.number("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND wait_event = 'PgSleep'") == 0) {
            assertTrue(System.nanoTime() < deadline, "the batch never reached its slow statement");
            Thread.sleep(50);
        }
        TestDatabase.get().stop();
        for (Future<ShmResponse> answer : pending) {
            ShmResponse response = answer.get(1, TimeUnit.MINUTES);
            assertEquals(503, response.status(), response.body());
        }
        TestDatabase.get().start();
        Rows.update("DROP TRIGGER shm_test_slow ON instance");
        for (ShmClient client : clients) {
            assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()), "the batch was rolled back");
        }
        List<Integer> again = statuses(List.of(
                () -> clients.get(0).snapshot(start.plusSeconds(2), metrics("n", 2)),
                () -> clients.get(1).snapshot(start.plusSeconds(2), metrics("n", 2)),
                () -> clients.get(2).snapshot(start.plusSeconds(2), metrics("n", 2))));
        assertEquals(List.of(202, 202, 202), again, "the server recovered by itself");
    }

    /** Sends concurrently (one batch: the deployment writes three at a time) and returns the statuses in order. */
    private List<Integer> statuses(List<Callable<ShmResponse>> sends) throws Exception {
        return answers(sends).stream().map(ShmResponse::status).collect(Collectors.toList());
    }

    private List<ShmResponse> answers(List<Callable<ShmResponse>> sends) throws Exception {
        List<Future<ShmResponse>> futures = new ArrayList<>();
        for (Callable<ShmResponse> send : sends) {
            futures.add(senders.submit(send));
        }
        List<ShmResponse> answers = new ArrayList<>();
        for (Future<ShmResponse> future : futures) {
            answers.add(future.get(1, TimeUnit.MINUTES));
        }
        return answers;
    }

    /**
     * A trigger {@code function} that raises {@code sqlState} for an instance row whose new metrics
     * have {@code key}: {@code trigger} says when ("TRIGGER name BEFORE UPDATE ON instance"...).
     */
    private static void raiseOnMetric(String function, String trigger, String key, String sqlState) {
        Rows.update("CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " RAISE EXCEPTION 'the test refuses this' USING ERRCODE = '" + sqlState + "'; END $$");
        Rows.update("CREATE " + trigger + " FOR EACH ROW WHEN (NEW.metrics ->> '" + key + "' IS NOT NULL)"
                + " EXECUTE FUNCTION " + function + "()");
    }
}
