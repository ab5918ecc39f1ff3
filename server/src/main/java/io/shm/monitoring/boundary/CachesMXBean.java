package io.shm.monitoring.boundary;

/**
 * The server's in-memory caches, as {@code io.shm:type=Caches}: the decoded public keys of
 * instances, which spare each signed request a database read, and the values of the public badges,
 * which spare the database a README's every view.
 */
public interface CachesMXBean {

    int getKeyCacheSize();

    /** Most keys kept ({@code shm.key-cache.size}); the least recently used go first. */
    int getKeyCacheCapacity();

    long getKeyCacheHits();

    long getKeyCacheMisses();

    /** Hits over all lookups since deployment, from 0 to 1; 0 before the first lookup. */
    double getKeyCacheHitRate();

    /** Badge values held, expired ones included until a later load sweeps them out. */
    int getBadgeCacheSize();

    long getBadgeCacheHits();

    long getBadgeCacheMisses();

    /** Hits over all badge lookups since deployment, from 0 to 1; 0 before the first lookup. */
    double getBadgeCacheHitRate();

    /** Empties every cache; entries are read again from the database when next needed. */
    void clear();
}
