package io.shm.aggregation.entity;

import java.time.Instant;
import java.util.List;

/** One bucket of a string key's distribution over time: instances per value, most frequent first. */
public record DistributionPoint(Instant bucketStart, List<ValueCount> values) {
}
