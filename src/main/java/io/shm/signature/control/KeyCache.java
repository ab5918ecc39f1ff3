package io.shm.signature.control;

import io.shm.instance.entity.InstanceStatus;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The public keys of instances, decoded and ready to verify with, so that a snapshot does not read
 * its key from the database. Keys never change once registered (trust on first use), so an entry is
 * never stale; it is dropped when its instance is revoked or deleted. Revocation itself is enforced
 * by the database in the snapshot transaction, so a node whose cache still holds a revoked key does
 * not accept that instance's snapshots either. Bounded, least recently used first out.
 */
@ApplicationScoped
public class KeyCache {

    @PersistenceContext
    EntityManager em;

    @Inject
    @ConfigProperty(name = "shm.key-cache.size", defaultValue = "100000")
    int capacity;

    private Map<UUID, CachedKey> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** An instance's row id and its decoded key. */
    public record CachedKey(long rowId, VerificationKey key) {
    }

    @PostConstruct
    void create() {
        entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, CachedKey> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The key of a registered instance; empty for an unknown one, a refusal for a revoked one. */
    public Optional<CachedKey> find(UUID instanceId) {
        CachedKey cached;
        synchronized (this) {
            cached = entries.get(instanceId);
        }
        if (cached != null) {
            hits.increment();
            return Optional.of(cached);
        }
        misses.increment();
        List<Object[]> rows = em.createQuery(
                        "SELECT i.id, i.publicKey, i.status FROM Instance i WHERE i.instanceId = :instanceId", Object[].class)
                .setParameter("instanceId", instanceId)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        if (rows.get(0)[2] == InstanceStatus.REVOKED) {
            throw new RefusedException(Refusal.REVOKED_INSTANCE);
        }
        Object[] row = rows.get(0);
        Optional<CachedKey> loaded = PublicKeys.toVerificationKey((byte[]) row[1])
                .map(key -> new CachedKey((Long) row[0], key));
        loaded.ifPresent(entry -> {
            synchronized (this) {
                entries.put(instanceId, entry);
            }
        });
        return loaded;
    }

    /** Forgets an instance: called when it is revoked or deleted. */
    public synchronized void evict(UUID instanceId) {
        entries.remove(instanceId);
    }

    /** Forgets every key; they are read again from the database as instances send. */
    public synchronized void clear() {
        entries.clear();
    }

    public synchronized int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Lookups answered from memory, since deployment. */
    public long hits() {
        return hits.sum();
    }

    /** Lookups that went to the database, found or not, since deployment. */
    public long misses() {
        return misses.sum();
    }
}
