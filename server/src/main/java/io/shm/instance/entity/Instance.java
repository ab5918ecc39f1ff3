package io.shm.instance.entity;

import io.shm.application.entity.Application;
import io.shm.persistence.control.MetricsJsonbConverter;
import io.shm.persistence.entity.Metrics;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One running copy of an application, known by the UUID and Ed25519 public key it made on first
 * start. The key is trusted on first use and never changes afterwards.
 */
@Entity
@Table(name = "instance")
@NamedQuery(name = Instance.BY_INSTANCE_ID, query = "SELECT i FROM Instance i WHERE i.instanceId = :instanceId")
public class Instance {

    public static final String BY_INSTANCE_ID = "Instance.byInstanceId";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "instance_id", nullable = false, unique = true, updatable = false)
    private UUID instanceId;

    @Column(name = "public_key", nullable = false, updatable = false)
    private byte[] publicKey;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "application_id", nullable = false)
    private Application application;

    @Embedded
    private InstanceMetadata metadata;

    @Embedded
    @AttributeOverrides({
        @AttributeOverride(name = "appVersion", column = @Column(name = "pending_app_version")),
        @AttributeOverride(name = "deploymentMode", column = @Column(name = "pending_deployment_mode")),
        @AttributeOverride(name = "environment", column = @Column(name = "pending_environment")),
        @AttributeOverride(name = "osArch", column = @Column(name = "pending_os_arch"))
    })
    private InstanceMetadata pendingMetadata;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private InstanceStatus status;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    /** Client timestamp of the last accepted snapshot: a snapshot must be later than this. */
    @Column(name = "last_snapshot_at")
    private Instant lastSnapshotAt;

    // Written by SnapshotStore alone: never in an update of the entity, which a provider that writes
    // every column (Hibernate) would otherwise send with the value it read.
    @Convert(converter = MetricsJsonbConverter.class)
    @Column(nullable = false, updatable = false, columnDefinition = "jsonb")
    private Metrics metrics;

    @Column(name = "metrics_updated_at", updatable = false)
    private Instant metricsUpdatedAt;

    /**
     * When a plain (replayable) activate armed the pending metadata: it takes effect only if a signed
     * snapshot follows within the confirmation window (applied by the snapshot statement).
     */
    @Column(name = "pending_activated_at")
    private Instant pendingActivatedAt;

    /** Timestamp of the last signed activate with metadata; once set, unsigned register metadata is ignored. */
    @Column(name = "signed_activate_at")
    private Instant signedActivateAt;

    protected Instance() {
        // for JPA
    }

    public Instance(UUID instanceId, byte[] publicKey, Application application, InstanceMetadata metadata, Instant now) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        this.publicKey = publicKey.clone();
        this.application = Objects.requireNonNull(application, "application");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.status = InstanceStatus.PENDING;
        this.firstSeen = now;
        this.lastSeen = now;
        this.metrics = Metrics.EMPTY;
    }

    public boolean hasPublicKey(byte[] candidate) {
        return Arrays.equals(publicKey, candidate);
    }

    /**
     * Metadata sent by an unsigned register. Anyone who knows an instance id can send one, so it is
     * only held here until the instance proves itself with a signed activate.
     */
    public void proposeMetadata(InstanceMetadata proposed) {
        // Once the instance has signed its metadata, unsigned metadata is never held again (a ratchet).
        pendingMetadata = signedActivateAt != null || proposed.equals(metadata) ? null : proposed;
        pendingActivatedAt = null;
    }

    /**
     * A plain signed activate. Its body is constant, so anyone who saw one can replay it: it makes the
     * instance active, but the metadata it proposed only takes effect when a signed snapshot follows
     * (the client's first snapshot after activating, which a replayer cannot make); here it is armed.
     */
    public void activate(Instant now) {
        requireNotRevoked();
        pendingActivatedAt = getPendingMetadata() != null ? now : null;
        status = InstanceStatus.ACTIVE;
        seen(now);
    }

    /** Whether a signed activate stamped {@code timestamp} is later than the last one accepted. */
    public boolean acceptsSignedActivate(Instant timestamp) {
        return signedActivateAt == null || timestamp.isAfter(signedActivateAt);
    }

    /**
     * A signed activate with metadata (the protocol's extension): the metadata is signed, so it takes
     * effect at once, and from now on unsigned register metadata is ignored.
     *
     * @return the metadata before
     */
    public InstanceMetadata activateSigned(Instant now, Instant timestamp, InstanceMetadata signed) {
        requireNotRevoked();
        if (!acceptsSignedActivate(timestamp)) {
            throw new IllegalStateException("a signed activate must be later than the last one");
        }
        InstanceMetadata before = metadata;
        metadata = Objects.requireNonNull(signed, "signed");
        pendingMetadata = null;
        pendingActivatedAt = null;
        signedActivateAt = timestamp;
        status = InstanceStatus.ACTIVE;
        seen(now);
        return before;
    }

    private void requireNotRevoked() {
        if (status == InstanceStatus.REVOKED) {
            throw new IllegalStateException("a revoked instance cannot be activated");
        }
    }

    public void revoke() {
        status = InstanceStatus.REVOKED;
    }

    public void reactivate() {
        if (status == InstanceStatus.REVOKED) {
            status = InstanceStatus.ACTIVE;
        }
    }

    public void seen(Instant now) {
        if (lastSeen == null || now.isAfter(lastSeen)) {
            lastSeen = now;
        }
    }

    public Long getId() {
        return id;
    }

    public UUID getInstanceId() {
        return instanceId;
    }

    public byte[] getPublicKey() {
        return publicKey.clone();
    }

    public Application getApplication() {
        return application;
    }

    public InstanceMetadata getMetadata() {
        return metadata;
    }

    /** Metadata waiting for a signed activate, or null. */
    public InstanceMetadata getPendingMetadata() {
        return pendingMetadata != null && pendingMetadata.isPresent() ? pendingMetadata : null;
    }

    public InstanceStatus getStatus() {
        return status;
    }

    public Instant getFirstSeen() {
        return firstSeen;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public Instant getLastSnapshotAt() {
        return lastSnapshotAt;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Instant getMetricsUpdatedAt() {
        return metricsUpdatedAt;
    }

    /** When a plain activate armed the pending metadata, or null. */
    public Instant getPendingActivatedAt() {
        return pendingActivatedAt;
    }

    /** Timestamp of the last signed activate with metadata, or null if the instance never sent one. */
    public Instant getSignedActivateAt() {
        return signedActivateAt;
    }
}
