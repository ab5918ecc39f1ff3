package io.shm.aggregation.entity;

import java.math.BigDecimal;

/**
 * The newest version an application's active instances run on its latest recorded day (the one first
 * seen last; versions first seen the same day in version order), with its share of them in percent.
 */
public record LatestVersion(String version, long instances, BigDecimal percent) {
}
