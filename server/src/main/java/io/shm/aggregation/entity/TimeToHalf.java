package io.shm.aggregation.entity;

import java.math.BigDecimal;

/**
 * How fast an application's fleet moves to a new version: over the versions first seen after the
 * application's first recorded day that went on to run on at least half of its active instances, the
 * median number of days from a version's first day to its first day at 50 % or more. {@code medianDays}
 * is null when no version has got there; {@code pending} counts the versions seen since that have not.
 */
public record TimeToHalf(int versions, BigDecimal medianDays, int pending) {
}
