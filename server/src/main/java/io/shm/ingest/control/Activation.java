package io.shm.ingest.control;

import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceStatus;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.signature.control.KeyCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/** A signed activate: the instance becomes active and the metadata it proposed takes effect. */
@ApplicationScoped
public class Activation {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    KeyCache keys;

    @Transactional
    public Instance activate(IngestRequest.SignedInstance signer) {
        Instance instance = em.find(Instance.class, signer.rowId(), LockModeType.PESSIMISTIC_WRITE);
        if (instance == null) {
            keys.evict(signer.instanceId());
            throw new RefusedException(Refusal.UNKNOWN_INSTANCE);
        }
        if (instance.getStatus() == InstanceStatus.REVOKED) {
            keys.evict(signer.instanceId());
            throw new RefusedException(Refusal.REVOKED_INSTANCE);
        }
        instance.activate(clock.instant());
        return instance;
    }
}
