package io.shm.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Caches shared by every node of a cluster ({@code SHM_CLUSTER_ENABLED=true}): JCache as Payara
 * provides it, kept in its Hazelcast data grid. With clustering off there are none, and callers keep
 * their state in plain memory: a single node never pays for a grid round-trip.
 *
 * <p>Only JDK types ({@code String}, {@code Long}) go into these caches: the grid stores them on
 * whichever member owns the key, where the application's classes need not be loadable.
 */
@ApplicationScoped
public class ClusterCaches {

    @Inject
    @ConfigProperty(name = "shm.cluster.enabled", defaultValue = "false")
    boolean enabled;

    public boolean isEnabled() {
        return enabled;
    }

    /**
     * The cluster-wide cache {@code name}, created by the first node that asks; entries not written
     * for {@code expiry} are dropped. Empty when clustering is off.
     */
    public <K, V> Optional<SharedCache<K, V>> cache(String name, Class<K> keyType, Class<V> valueType, Duration expiry) {
        return enabled ? Optional.of(SharedCache.open(name, keyType, valueType, expiry)) : Optional.empty();
    }
}
