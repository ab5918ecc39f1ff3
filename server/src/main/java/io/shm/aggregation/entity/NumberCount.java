package io.shm.aggregation.entity;

import java.math.BigDecimal;

/** How many active instances currently report this value of a numeric key. */
public record NumberCount(BigDecimal value, long instances) {
}
