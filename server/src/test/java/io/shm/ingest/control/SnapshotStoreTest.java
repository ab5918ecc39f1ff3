package io.shm.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotStoreTest {

    /** A snapshot of instance {@code rowId}, named by the order it arrived in. */
    private record Arrived(long rowId, String name) {
    }

    @Test
    void aBatchOfDistinctInstancesIsOneStatementInRowIdOrder() {
        List<Arrived> batch = List.of(new Arrived(7, "a"), new Arrived(3, "b"), new Arrived(5, "c"));

        List<List<Arrived>> rounds = SnapshotStore.rounds(batch, Arrived::rowId);

        assertEquals(List.of(List.of(new Arrived(3, "b"), new Arrived(5, "c"), new Arrived(7, "a"))), rounds);
    }

    @Test
    void anInstancesLaterSnapshotsGoToLaterStatementsInTheOrderTheyArrived() {
        List<Arrived> batch = List.of(new Arrived(9, "first of 9"), new Arrived(4, "first of 4"), new Arrived(9, "second of 9"),
                new Arrived(2, "only of 2"), new Arrived(9, "third of 9"), new Arrived(4, "second of 4"));

        List<List<Arrived>> rounds = SnapshotStore.rounds(batch, Arrived::rowId);

        assertEquals(List.of(
                List.of(new Arrived(2, "only of 2"), new Arrived(4, "first of 4"), new Arrived(9, "first of 9")),
                List.of(new Arrived(4, "second of 4"), new Arrived(9, "second of 9")),
                List.of(new Arrived(9, "third of 9"))), rounds);
    }

    @Test
    void anEmptyBatchHasNoStatement() {
        assertEquals(List.of(), SnapshotStore.rounds(List.<Arrived>of(), Arrived::rowId));
    }
}
