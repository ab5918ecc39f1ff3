package io.shm.instance.control;

import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.instance.entity.InstanceChanged;
import io.shm.instance.entity.InstanceStatus;
import io.shm.instance.entity.SignedInstance;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A signed activate: the instance becomes active. The plain activate of the original SDKs has a
 * constant body, hence a replayable signature: the metadata its register proposed waits for a signed
 * snapshot to confirm it (the ingest feature's snapshot statement). A signed activate with a timestamp and metadata
 * (the protocol's extension) applies its metadata at once, and is refused when not later than the
 * instance's last one.
 */
@ApplicationScoped
public class Activation {

    /** How a metadata change was authorised, as {@code instance_metadata_change.source} records it. */
    public static final String SIGNED_ACTIVATE = "signed_activate";

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<InstanceChanged> changed;

    @Transactional
    public Instance activate(SignedInstance signer) {
        Instance instance = locked(signer);
        instance.activate(clock.instant());
        return instance;
    }

    @Transactional
    public Instance activateSigned(SignedInstance signer, Instant timestamp, InstanceMetadata metadata) {
        Instance instance = locked(signer);
        if (!instance.acceptsSignedActivate(timestamp)) {
            throw new RefusedException(Refusal.REPLAYED_ACTIVATE);
        }
        Instant now = clock.instant();
        InstanceMetadata before = instance.activateSigned(now, timestamp, metadata);
        if (!before.equals(metadata)) {
            record(instance.getId(), now, before, metadata);
        }
        return instance;
    }

    private Instance locked(SignedInstance signer) {
        Instance instance = em.find(Instance.class, signer.rowId(), LockModeType.PESSIMISTIC_WRITE);
        if (instance == null) {
            changed.fire(new InstanceChanged(signer.instanceId()));
            throw new RefusedException(Refusal.UNKNOWN_INSTANCE);
        }
        if (instance.getStatus() == InstanceStatus.REVOKED) {
            changed.fire(new InstanceChanged(signer.instanceId()));
            throw new RefusedException(Refusal.REVOKED_INSTANCE);
        }
        return instance;
    }

    private void record(long rowId, Instant at, InstanceMetadata before, InstanceMetadata after) {
        em.createNativeQuery("""
                        INSERT INTO instance_metadata_change (instance_id, changed_at, source,
                               old_app_version, new_app_version, old_deployment_mode, new_deployment_mode,
                               old_environment, new_environment, old_os_arch, new_os_arch)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .setParameter(1, rowId)
                .setParameter(2, at.atOffset(ZoneOffset.UTC))
                .setParameter(3, SIGNED_ACTIVATE)
                .setParameter(4, before.getAppVersion())
                .setParameter(5, after.getAppVersion())
                .setParameter(6, before.getDeploymentMode())
                .setParameter(7, after.getDeploymentMode())
                .setParameter(8, before.getEnvironment())
                .setParameter(9, after.getEnvironment())
                .setParameter(10, before.getOsArch())
                .setParameter(11, after.getOsArch())
                .executeUpdate();
    }
}
