package io.shm.platform;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * A cache shared by the nodes of a cluster: the few JCache operations the server uses. Its own type,
 * so that beans never name a JCache type: this class (not a bean) is loaded only when clustering is
 * on, and the WAR still deploys on a server that has no JCache at all.
 */
public final class SharedCache<K, V> {

    /** Where Payara binds the cache manager of its data grid (set-hazelcast-configuration --cachemanagerjndiname). */
    static final String CACHE_MANAGER = "payara/CacheManager";

    private final Cache<K, V> cache;

    private SharedCache(Cache<K, V> cache) {
        this.cache = cache;
    }

    /** Over a JCache cache, as Payara's data grid (or a test) provides it. */
    public static <K, V> SharedCache<K, V> over(Cache<K, V> cache) {
        return new SharedCache<>(cache);
    }

    /**
     * The cluster-wide cache {@code name} of Payara's data grid, created by the first node that
     * asks; entries not written for {@code expiry} are dropped.
     */
    static <K, V> SharedCache<K, V> open(String name, Class<K> keyType, Class<V> valueType, Duration expiry) {
        CacheManager manager;
        try {
            manager = InitialContext.doLookup(CACHE_MANAGER);
        } catch (NamingException gridOff) {
            throw new IllegalStateException("shm.cluster.enabled is true but Payara's data grid is off (no "
                    + CACHE_MANAGER + "): start Payara Micro without --nohazelcast or --nocluster, see server-config/cluster.asadmin", gridOff);
        }
        Cache<K, V> cache = manager.getCache(name, keyType, valueType);
        if (cache == null) {
            MutableConfiguration<K, V> configuration = new MutableConfiguration<K, V>()
                    .setTypes(keyType, valueType)
                    .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                            new javax.cache.expiry.Duration(TimeUnit.SECONDS, expiry.toSeconds())));
            try {
                cache = manager.createCache(name, configuration);
            } catch (CacheException createdMeanwhileByAnotherNode) {
                cache = manager.getCache(name, keyType, valueType);
            }
        }
        return new SharedCache<>(cache);
    }

    public V get(K key) {
        return cache.get(key);
    }

    public void put(K key, V value) {
        cache.put(key, value);
    }

    /** Atomic across the cluster: false when another node stored a value first. */
    public boolean putIfAbsent(K key, V value) {
        return cache.putIfAbsent(key, value);
    }

    /** Atomic across the cluster (compare-and-set): false when the value is no longer {@code expected}. */
    public boolean replace(K key, V expected, V value) {
        return cache.replace(key, expected, value);
    }

    public void remove(K key) {
        cache.remove(key);
    }

    public void clear() {
        cache.clear();
    }
}
