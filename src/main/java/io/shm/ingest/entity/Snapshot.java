package io.shm.ingest.entity;

import io.shm.persistence.control.MetricsJsonbConverter;
import io.shm.persistence.entity.Metrics;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One accepted report of an instance. The table is partitioned by {@code received_at}, which is
 * therefore part of the key. Rows are written by the ingest path in one statement with the instance
 * update; this mapping serves reads and tests.
 */
@Entity
@Table(name = "snapshot")
@IdClass(Snapshot.Key.class)
@NamedQuery(name = Snapshot.OF_INSTANCE,
        query = "SELECT s FROM Snapshot s WHERE s.instanceRef = :instanceRef ORDER BY s.receivedAt DESC")
@NamedQuery(name = Snapshot.COUNT_OF_INSTANCE,
        query = "SELECT COUNT(s) FROM Snapshot s WHERE s.instanceRef = :instanceRef")
public class Snapshot {

    public static final String OF_INSTANCE = "Snapshot.ofInstance";
    public static final String COUNT_OF_INSTANCE = "Snapshot.countOfInstance";

    @Id
    @Column(name = "id", insertable = false, updatable = false)
    private Long id;

    @Id
    @Column(name = "received_at", nullable = false, updatable = false)
    private Instant receivedAt;

    /** The instance's row id ({@code instance.id}), not its public UUID. */
    @Column(name = "instance_id", nullable = false, updatable = false)
    private Long instanceRef;

    @Column(name = "client_timestamp", nullable = false, updatable = false)
    private Instant clientTimestamp;

    @Convert(converter = MetricsJsonbConverter.class)
    @Column(nullable = false, updatable = false, columnDefinition = "jsonb")
    private Metrics metrics;

    protected Snapshot() {
        // for JPA
    }

    public Snapshot(Long instanceRef, Instant receivedAt, Instant clientTimestamp, Metrics metrics) {
        this.instanceRef = Objects.requireNonNull(instanceRef, "instanceRef");
        this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
        this.clientTimestamp = Objects.requireNonNull(clientTimestamp, "clientTimestamp");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public Long getId() {
        return id;
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }

    public Long getInstanceRef() {
        return instanceRef;
    }

    public Instant getClientTimestamp() {
        return clientTimestamp;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** Primary key of the partitioned table. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private Long id;
        private Instant receivedAt;

        public Key() {
        }

        public Key(Long id, Instant receivedAt) {
            this.id = id;
            this.receivedAt = receivedAt;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && Objects.equals(id, that.id) && Objects.equals(receivedAt, that.receivedAt);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, receivedAt);
        }
    }
}
