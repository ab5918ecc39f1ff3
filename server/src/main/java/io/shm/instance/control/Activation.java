package io.shm.instance.control;

import io.shm.instance.entity.Instance;
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

/** A signed activate: the instance becomes active and the metadata it proposed takes effect. */
@ApplicationScoped
public class Activation {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<InstanceChanged> changed;

    @Transactional
    public Instance activate(SignedInstance signer) {
        Instance instance = em.find(Instance.class, signer.rowId(), LockModeType.PESSIMISTIC_WRITE);
        if (instance == null) {
            changed.fire(new InstanceChanged(signer.instanceId()));
            throw new RefusedException(Refusal.UNKNOWN_INSTANCE);
        }
        if (instance.getStatus() == InstanceStatus.REVOKED) {
            changed.fire(new InstanceChanged(signer.instanceId()));
            throw new RefusedException(Refusal.REVOKED_INSTANCE);
        }
        instance.activate(clock.instant());
        return instance;
    }
}
