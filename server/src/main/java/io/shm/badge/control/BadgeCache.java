package io.shm.badge.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Badge values kept for {@code shm.badge.cache-seconds}, so that a README viewed a thousand times a
 * minute costs the database one round of queries per badge and period. Badges are public: anyone
 * can ask for unknown slugs and random keys, so the cache holds at most {@code shm.badge.cache-size}
 * entries and drops the oldest first. Failures are not kept: the next request tries again.
 *
 * <p>Each node has its own cache. A badge is at most one period stale wherever it is drawn, which
 * the HTTP caching in front of it exceeds anyway.
 */
@ApplicationScoped
public class BadgeCache {

    /** Computes a value on a miss. */
    @FunctionalInterface
    public interface Loader {
        BadgeValue load() throws SQLException;
    }

    /** One badge of one application; {@code metric} is empty for the kinds without a key. */
    public record Key(String slug, BadgeKind kind, String metric) {
    }

    private record Entry(BadgeValue value, Instant expires) {
    }

    @Inject
    @ConfigProperty(name = "shm.badge.cache-seconds", defaultValue = "120")
    int seconds;

    @Inject
    @ConfigProperty(name = "shm.badge.cache-size", defaultValue = "10000")
    int capacity;

    @Inject
    Clock clock;

    /*
     * In insertion order, and an entry is re-inserted when it is loaded again: with one lifetime for
     * all, the oldest entry is also the first to expire, so expired entries are found at the head.
     */
    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** The cached value, or the loader's (kept unless the cache is switched off); a loader's failure is passed on. */
    public BadgeValue get(Key key, Loader loader) throws SQLException {
        synchronized (this) {
            Entry entry = entries.get(key);
            if (entry != null && clock.instant().isBefore(entry.expires())) {
                hits.increment();
                return entry.value();
            }
        }
        misses.increment();
        // Loaded outside the lock: a slow query for one badge must not hold up the others.
        BadgeValue value = loader.load();
        if (seconds > 0 && capacity > 0) {
            put(key, value);
        }
        return value;
    }

    private synchronized void put(Key key, BadgeValue value) {
        Instant now = clock.instant();
        entries.remove(key);
        entries.put(key, new Entry(value, now.plusSeconds(seconds)));
        Iterator<Entry> oldestFirst = entries.values().iterator();
        while (oldestFirst.hasNext()) {
            Entry oldest = oldestFirst.next();
            if (entries.size() <= capacity && now.isBefore(oldest.expires())) {
                break;
            }
            oldestFirst.remove();
        }
    }

    /** Entries held, expired ones included until they are swept out by a later load. */
    public synchronized int size() {
        return entries.size();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    /** Forgets every value, so that the next badges show the database's current state. */
    public synchronized void clear() {
        entries.clear();
    }
}
