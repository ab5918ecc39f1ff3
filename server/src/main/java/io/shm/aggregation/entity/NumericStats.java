package io.shm.aggregation.entity;

import java.math.BigDecimal;

/** A numeric key across the fleet: over the instances that report it, their current values' statistics. */
public record NumericStats(String key, long instances, BigDecimal sum, BigDecimal min, BigDecimal max,
                           BigDecimal mean, BigDecimal p50, BigDecimal p90, BigDecimal p99) {
}
