package io.shm.aggregation.entity;

import java.math.BigDecimal;
import java.util.List;

/**
 * A numeric key's fleet total over a period, bucket by bucket, and its change from the first bucket
 * to the last as a fraction ({@code 0.25}: up 25 %); {@code change} is null with fewer than two
 * buckets or a first total of zero.
 */
public record KeyTrend(String key, List<SeriesPoint> points, BigDecimal change) {
}
