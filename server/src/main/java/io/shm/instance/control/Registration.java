package io.shm.instance.control;

import io.shm.application.entity.Application;
import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.instance.entity.InstanceRegistered;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Registration is unsigned: it may create an instance (trust on first use of its key), but for a
 * known instance it only proposes new metadata, applied by the next signed activate. Concurrent
 * registrations of one application or one instance are settled by the database's unique keys.
 */
@ApplicationScoped
public class Registration {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<InstanceRegistered> registered;

    /** What a registration did. */
    public record Result(boolean created, Instance instance) {
    }

    @Transactional
    public Result register(UUID instanceId, byte[] publicKey, String appName, InstanceMetadata metadata) {
        Instant now = clock.instant();
        Instance existing = find(instanceId);
        boolean created = false;
        if (existing == null) {
            Application application = findOrCreateApplication(appName, now);
            created = em.createNativeQuery("""
                            INSERT INTO instance (instance_id, public_key, application_id, app_version, deployment_mode,
                                                  environment, os_arch, status, first_seen, last_seen)
                            VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)
                            ON CONFLICT (instance_id) DO NOTHING""")
                    .setParameter(1, instanceId)
                    .setParameter(2, publicKey)
                    .setParameter(3, application.getId())
                    .setParameter(4, metadata.getAppVersion())
                    .setParameter(5, metadata.getDeploymentMode())
                    .setParameter(6, metadata.getEnvironment())
                    .setParameter(7, metadata.getOsArch())
                    .setParameter(8, now.atOffset(ZoneOffset.UTC))
                    .setParameter(9, now.atOffset(ZoneOffset.UTC))
                    .executeUpdate() == 1;
            existing = find(instanceId);
            if (created) {
                registered.fire(new InstanceRegistered(instanceId));
            }
        }
        if (!existing.hasPublicKey(publicKey)) {
            throw new RefusedException(Refusal.KEY_CONFLICT);
        }
        if (!created) {
            existing.proposeMetadata(metadata);
        }
        return new Result(created, existing);
    }

    private Instance find(UUID instanceId) {
        List<Instance> found = em.createNamedQuery(Instance.BY_INSTANCE_ID, Instance.class)
                .setParameter("instanceId", instanceId)
                .getResultList();
        return found.isEmpty() ? null : found.get(0);
    }

    private Application findOrCreateApplication(String appName, Instant now) {
        Application candidate = new Application(appName, now);
        em.createNativeQuery("""
                        INSERT INTO application (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (slug) DO NOTHING""")
                .setParameter(1, candidate.getSlug())
                .setParameter(2, candidate.getName())
                .setParameter(3, now.atOffset(ZoneOffset.UTC))
                .setParameter(4, now.atOffset(ZoneOffset.UTC))
                .executeUpdate();
        return em.createNamedQuery(Application.BY_SLUG, Application.class)
                .setParameter("slug", candidate.getSlug())
                .getSingleResult();
    }
}
