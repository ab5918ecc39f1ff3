package io.shm.monitoring.control;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active instances of each application as last read from the database, for gauges to read on
 * every scrape without asking the database. An application that drops out of a later reading (it
 * was deleted) reads 0 rather than its old count: a gauge, once registered, stays until undeploy.
 */
public class ActiveInstanceCounts {

    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    /**
     * Takes a fresh reading.
     *
     * @return the slugs never seen before, which want a gauge of their own
     */
    public Set<String> update(Map<String, Long> bySlug) {
        Set<String> added = new LinkedHashSet<>();
        bySlug.forEach((slug, count) -> {
            if (counts.put(slug, count) == null) {
                added.add(slug);
            }
        });
        counts.replaceAll((slug, count) -> bySlug.getOrDefault(slug, 0L));
        return added;
    }

    public long get(String slug) {
        return counts.getOrDefault(slug, 0L);
    }
}
