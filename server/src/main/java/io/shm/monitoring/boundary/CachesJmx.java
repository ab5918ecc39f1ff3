package io.shm.monitoring.boundary;

import io.shm.badge.control.BadgeCache;
import io.shm.signature.control.KeyCache;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/** {@code io.shm:type=Caches}, over {@link KeyCache} and {@link BadgeCache}. */
@Dependent
public class CachesJmx implements CachesMXBean {

    @Inject
    KeyCache keys;

    @Inject
    BadgeCache badges;

    @Inject
    Logger log;

    @Override
    public int getKeyCacheSize() {
        return keys.size();
    }

    @Override
    public int getKeyCacheCapacity() {
        return keys.capacity();
    }

    @Override
    public long getKeyCacheHits() {
        return keys.hits();
    }

    @Override
    public long getKeyCacheMisses() {
        return keys.misses();
    }

    @Override
    public double getKeyCacheHitRate() {
        return hitRate(keys.hits(), keys.misses());
    }

    @Override
    public int getBadgeCacheSize() {
        return badges.size();
    }

    @Override
    public long getBadgeCacheHits() {
        return badges.hits();
    }

    @Override
    public long getBadgeCacheMisses() {
        return badges.misses();
    }

    @Override
    public double getBadgeCacheHitRate() {
        return hitRate(badges.hits(), badges.misses());
    }

    @Override
    public void clear() {
        keys.clear();
        badges.clear();
        log.info("Caches cleared through JMX");
    }

    static double hitRate(long hits, long misses) {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
