package io.shm.application.entity;

/** An application as the read side names it. */
public record ApplicationRef(long id, String slug, String name) {
}
