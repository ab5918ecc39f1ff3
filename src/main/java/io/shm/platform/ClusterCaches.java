package io.shm.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;
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

    @Inject
    Instance<CacheManager> cacheManagers;

    public boolean isEnabled() {
        return enabled;
    }

    /**
     * The cluster-wide cache {@code name}, created by the first node that asks; entries not written
     * for {@code expiry} are dropped. Empty when clustering is off.
     */
    public <K, V> Optional<Cache<K, V>> cache(String name, Class<K> keyType, Class<V> valueType,
            java.time.Duration expiry) {
        if (!enabled) {
            return Optional.empty();
        }
        // Payara's producer answers null when its data grid is off (Payara Micro started with --nocluster).
        CacheManager manager = cacheManagers.isResolvable() ? cacheManagers.get() : null;
        if (manager == null) {
            throw new IllegalStateException("shm.cluster.enabled is true but Payara's data grid is off:"
                    + " start Payara Micro without --nocluster (see server-config/cluster.asadmin)");
        }
        Cache<K, V> cache = manager.getCache(name, keyType, valueType);
        if (cache != null) {
            return Optional.of(cache);
        }
        MutableConfiguration<K, V> configuration = new MutableConfiguration<K, V>()
                .setTypes(keyType, valueType)
                .setStoreByValue(true)
                .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(new Duration(
                        java.util.concurrent.TimeUnit.SECONDS, expiry.toSeconds())));
        try {
            return Optional.of(manager.createCache(name, configuration));
        } catch (CacheException createdMeanwhileByAnotherNode) {
            return Optional.of(manager.getCache(name, keyType, valueType));
        }
    }
}
