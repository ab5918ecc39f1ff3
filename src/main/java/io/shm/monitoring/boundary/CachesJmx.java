package io.shm.monitoring.boundary;

import io.shm.signature.control.KeyCache;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/** {@code io.shm:type=Caches}, over {@link KeyCache}. */
@Dependent
public class CachesJmx implements CachesMXBean {

    @Inject
    KeyCache keys;

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
        long hits = keys.hits();
        long lookups = hits + keys.misses();
        return lookups == 0 ? 0 : (double) hits / lookups;
    }

    @Override
    public void clear() {
        keys.clear();
        log.info("Caches cleared through JMX");
    }
}
