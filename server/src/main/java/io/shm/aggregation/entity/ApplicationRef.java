package io.shm.aggregation.entity;

/** An application as the read side names it. */
public record ApplicationRef(long id, String slug, String name) {
}
