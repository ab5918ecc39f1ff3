package io.shm.aggregation.entity;

import java.math.BigDecimal;
import java.time.Instant;

/** One bucket of a numeric key's series: the sum (and min, max) of each instance's last value in it. */
public record SeriesPoint(Instant bucketStart, long instances, BigDecimal sum, BigDecimal min, BigDecimal max) {
}
