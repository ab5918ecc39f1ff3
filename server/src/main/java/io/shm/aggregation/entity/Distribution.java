package io.shm.aggregation.entity;

import java.util.List;

/**
 * Instances per value of one key, the most frequent values first, cut after a number of values;
 * {@code otherInstances} counts the instances whose value was cut.
 */
public record Distribution(String key, List<ValueCount> values, long otherInstances) {
}
