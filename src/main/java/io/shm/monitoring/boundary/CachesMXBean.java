package io.shm.monitoring.boundary;

/**
 * The server's in-memory caches, as {@code io.shm:type=Caches}. Today one: the decoded public keys
 * of instances, which spare each signed request a database read.
 */
public interface CachesMXBean {

    int getKeyCacheSize();

    /** Most keys kept ({@code shm.key-cache.size}); the least recently used go first. */
    int getKeyCacheCapacity();

    long getKeyCacheHits();

    long getKeyCacheMisses();

    /** Hits over all lookups since deployment, from 0 to 1; 0 before the first lookup. */
    double getKeyCacheHitRate();

    /** Empties every cache; entries are read again from the database when next needed. */
    void clear();
}
