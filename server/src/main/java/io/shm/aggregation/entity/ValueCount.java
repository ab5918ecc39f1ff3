package io.shm.aggregation.entity;

/** How many instances have this value (of a string key, a boolean key or a metadata field). */
public record ValueCount(String value, long instances) {
}
