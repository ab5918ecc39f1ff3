package io.shm.monitoring.metrics;

import io.shm.badge.control.BadgeCache;
import io.shm.badge.control.Badges;
import io.shm.monitoring.boundary.CachesJmx;
import io.shm.signature.control.KeyCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The caches of {@code io.shm:type=Caches} in {@code /metrics}, tagged {@code cache="keys"} (the
 * instances' public keys), {@code cache="unknown_instances"} (ids found unknown) or
 * {@code cache="badges"} (badge values): size, hits, misses and the hit rate since deployment; and
 * where metric badges were answered from. Read from the caches at each scrape; none of them costs a query.
 */
@ApplicationScoped
public class CacheMetrics {

    @Inject
    MetricRegistry registry;

    @Inject
    KeyCache keys;

    @Inject
    BadgeCache badges;

    @Inject
    Badges badgeValues;

    void register(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        register("keys", keys::size, keys::hits, keys::misses);
        register("badges", badges::size, badges::hits, badges::misses);
        // Ids found unknown: hits are signed requests refused from memory, misses the database reads that found nothing.
        register("unknown_instances", keys::unknownSize, keys::unknownHits, keys::unknownMisses);
        gauge("shm.badge.key.reads", "Metric badge reads since deployment, by where the answer came from: the key"
                + " catalogue (a key the application never reported) or the instances' current values",
                badgeValues::keyReadsFromCatalogue, new Tag("source", "catalogue"));
        gauge("shm.badge.key.reads", "Metric badge reads since deployment, by where the answer came from: the key"
                + " catalogue (a key the application never reported) or the instances' current values",
                badgeValues::keyReadsFromInstances, new Tag("source", "instances"));
    }

    private void register(String cache, LongSupplier size, LongSupplier hits, LongSupplier misses) {
        Tag tag = new Tag("cache", cache);
        gauge("shm.cache.size", "Entries held in the cache", size, tag);
        gauge("shm.cache.hits", "Lookups answered from the cache since deployment", hits, tag);
        gauge("shm.cache.misses", "Lookups that had to read the database since deployment", misses, tag);
        registry.gauge(Metadata.builder().withName("shm.cache.hit.rate")
                        .withDescription("Hits over all lookups since deployment, from 0 to 1; 0 before the first lookup").build(),
                this, metrics -> CachesJmx.hitRate(hits.getAsLong(), misses.getAsLong()), tag);
    }

    private void gauge(String name, String description, LongSupplier value, Tag tag) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(),
                value, LongSupplier::getAsLong, tag);
    }
}
