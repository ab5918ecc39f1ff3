package io.shm.signature.control;

import io.shm.instance.entity.InstanceRegistered;
import io.shm.instance.entity.InstanceChanged;
import io.shm.instance.entity.InstanceStatus;
import io.shm.platform.ClusterCaches;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.SharedCache;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
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
 *
 * <p>In a cluster ({@code SHM_CLUSTER_ENABLED}) the nodes share which key each instance has, in a
 * cache of the data grid (instance id to row id and hex key), so an instance's key is read from the
 * database once for the whole cluster, and revoking or deleting it on one node drops it everywhere.
 * Each node still keeps its own decoded copies (a curve point is not shared), used only while they
 * match the shared entry.
 *
 * <p>Ids found unknown are remembered as such for {@code SHM_KEY_CACHE_UNKNOWN_SECONDS} (bounded by
 * {@code SHM_KEY_CACHE_UNKNOWN_SIZE}), so that a flood of requests signed for an id nobody registered
 * costs one database read per id, not one per request. Registering the id forgets it at once (on
 * commit), so the new instance's activate is never refused from memory. In a cluster the mark is a
 * shared entry, so a registration on one node clears it for all.
 */
@ApplicationScoped
public class KeyCache {

    @PersistenceContext
    EntityManager em;

    @Inject
    @ConfigProperty(name = "shm.key-cache.size", defaultValue = "100000")
    int capacity;

    @Inject
    ClusterCaches cluster;

    /** The cluster-wide entries: instance id to {@code rowId:hex}. */
    static final String SHARED_KEYS = "shm-public-keys";
    /** A shared entry not written for a day leaves the grid; the database still has the key. */
    static final Duration SHARED_EXPIRY = Duration.ofDays(1);
    /** Null on a single node. */
    private SharedCache<String, String> shared;

    @Inject
    @ConfigProperty(name = "shm.key-cache.unknown-seconds", defaultValue = "60")
    long unknownSeconds;

    @Inject
    @ConfigProperty(name = "shm.key-cache.unknown-size", defaultValue = "10000")
    int unknownCapacity;

    @Inject
    Clock clock;

    /** A shared entry that marks an id as unknown until the epoch millisecond that follows. */
    static final String UNKNOWN_MARK = "-";

    private Map<UUID, CachedKey> entries;
    /** Single node: ids found unknown, to the epoch millisecond until which that holds; oldest out first. */
    private Map<UUID, Long> unknown;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder unknownHits = new LongAdder();
    private final LongAdder unknownMisses = new LongAdder();

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
        unknown = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Long> eldest) {
                return size() > unknownCapacity;
            }
        };
        shared = cluster.cache(SHARED_KEYS, String.class, String.class, SHARED_EXPIRY).orElse(null);
    }

    /** The key of a registered instance; empty for an unknown one, a refusal for a revoked one. */
    public Optional<CachedKey> find(UUID instanceId) {
        String sharedEntry = shared == null ? null : shared.get(instanceId.toString());
        if (shared == null ? isKnownUnknown(instanceId) : isUnknownMark(sharedEntry)) {
            unknownHits.increment();
            return Optional.empty();
        }
        CachedKey cached = shared == null ? local(instanceId) : fromShared(instanceId, sharedEntry);
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
            rememberUnknown(instanceId);
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
            if (shared != null) {
                shared.put(instanceId.toString(), entry.rowId() + ":" + entry.key().hex());
            }
        });
        return loaded;
    }

    private synchronized CachedKey local(UUID instanceId) {
        return entries.get(instanceId);
    }

    private synchronized boolean isKnownUnknown(UUID instanceId) {
        Long until = unknown.get(instanceId);
        if (until == null) {
            return false;
        }
        if (until > clock.millis()) {
            return true;
        }
        unknown.remove(instanceId);
        return false;
    }

    private boolean isUnknownMark(String entry) {
        return entry != null && entry.startsWith(UNKNOWN_MARK)
                && Long.parseLong(entry.substring(UNKNOWN_MARK.length())) > clock.millis();
    }

    private void rememberUnknown(UUID instanceId) {
        unknownMisses.increment();
        if (unknownSeconds <= 0) {
            return;
        }
        long until = clock.millis() + unknownSeconds * 1000;
        if (shared == null) {
            synchronized (this) {
                unknown.put(instanceId, until);
            }
        } else {
            shared.put(instanceId.toString(), UNKNOWN_MARK + until);
        }
    }

    /** A registration committed: the id is no longer unknown, on any node. */
    void registered(@Observes(during = TransactionPhase.AFTER_SUCCESS) InstanceRegistered event) {
        synchronized (this) {
            unknown.remove(event.instanceId());
        }
        if (shared != null) {
            String entry = shared.get(event.instanceId().toString());
            if (entry != null && entry.startsWith(UNKNOWN_MARK)) {
                shared.remove(event.instanceId().toString());
            }
        }
    }

    /** The shared entry, decoded on this node once per key: null when the grid has none (or only an expired mark). */
    private CachedKey fromShared(UUID instanceId, String entry) {
        if (entry == null || entry.startsWith(UNKNOWN_MARK)) {
            return null;
        }
        int colon = entry.indexOf(':');
        long rowId = Long.parseLong(entry.substring(0, colon));
        String hex = entry.substring(colon + 1);
        CachedKey decoded = local(instanceId);
        if (decoded != null && decoded.rowId() == rowId && decoded.key().hex().equals(hex)) {
            return decoded;
        }
        Optional<VerificationKey> key = Hex.decode(hex, 32).flatMap(PublicKeys::toVerificationKey);
        if (key.isEmpty()) {
            return null;
        }
        CachedKey fresh = new CachedKey(rowId, key.get());
        synchronized (this) {
            entries.put(instanceId, fresh);
        }
        return fresh;
    }

    /** Forgets an instance whose status changed (revoked, reactivated, deleted), on every node of a cluster. */
    void evictOn(@Observes InstanceChanged change) {
        evict(change.instanceId());
    }

    /** Forgets an instance, on every node of a cluster. */
    public void evict(UUID instanceId) {
        synchronized (this) {
            entries.remove(instanceId);
            unknown.remove(instanceId);
        }
        if (shared != null) {
            shared.remove(instanceId.toString());
        }
    }

    /** Forgets every key, on every node of a cluster; they are read again from the database as instances send. */
    public void clear() {
        synchronized (this) {
            entries.clear();
            unknown.clear();
        }
        if (shared != null) {
            shared.clear();
        }
    }

    /** Keys held decoded on this node. */
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

    /** Ids held as unknown on this node (in a cluster the marks are in the data grid: 0). */
    public synchronized int unknownSize() {
        return unknown.size();
    }

    /** Lookups answered "unknown" from memory, without the database, since deployment. */
    public long unknownHits() {
        return unknownHits.sum();
    }

    /** Lookups that found no instance in the database (and remembered the id), since deployment. */
    public long unknownMisses() {
        return unknownMisses.sum();
    }
}
