package io.shm.ingest.entity;

import io.shm.persistence.control.MetricsJsonbConverter;
import io.shm.persistence.entity.Metrics;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * One accepted report of an instance. In the database the key is ({@code id}, {@code received_at}),
 * because the table is partitioned by time; {@code id} alone is unique (an identity column), which is
 * all JPA needs.
 */
@Entity
@Table(name = "snapshot")
@NamedQuery(name = Snapshot.OF_INSTANCE,
        query = "SELECT s FROM Snapshot s WHERE s.instanceRef = :instanceRef ORDER BY s.receivedAt DESC")
@NamedQuery(name = Snapshot.COUNT_OF_INSTANCE,
        query = "SELECT COUNT(s) FROM Snapshot s WHERE s.instanceRef = :instanceRef")
public class Snapshot {

    public static final String OF_INSTANCE = "Snapshot.ofInstance";
    public static final String COUNT_OF_INSTANCE = "Snapshot.countOfInstance";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

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

}
