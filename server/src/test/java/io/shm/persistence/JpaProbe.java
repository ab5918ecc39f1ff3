package io.shm.persistence;

import io.shm.application.entity.Application;
import io.shm.ingest.entity.Snapshot;
import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.persistence.entity.Metrics;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.UUID;

/** Test-only bean deployed with {@link PersistenceIT}: writes and reads through JPA, one transaction each. */
@Stateless
public class JpaProbe {

    @PersistenceContext
    EntityManager em;

    /** Persists an instance carrying nothing but the given metrics in one snapshot; returns the instance's row id. */
    public long storeSnapshot(Metrics metrics) {
        Instant now = Instant.now();
        Application application = new Application("Round trip " + UUID.randomUUID(), now);
        em.persist(application);
        byte[] key = new byte[32];
        key[0] = 1;
        Instance instance = new Instance(UUID.randomUUID(), key, application, new InstanceMetadata("1.0.0", null, null, null), now);
        em.persist(instance);
        em.flush();
        em.persist(new Snapshot(instance.getId(), now, now, metrics));
        return instance.getId();
    }

    public Metrics readSnapshotMetrics(long instanceRef) {
        return em.createNamedQuery(Snapshot.OF_INSTANCE, Snapshot.class)
                .setParameter("instanceRef", instanceRef)
                .getSingleResult()
                .getMetrics();
    }

    public void execute(String sql) {
        em.createNativeQuery(sql).executeUpdate();
    }

    public Metrics readInstanceMetrics(long instanceRef) {
        return em.find(Instance.class, instanceRef).getMetrics();
    }
}
