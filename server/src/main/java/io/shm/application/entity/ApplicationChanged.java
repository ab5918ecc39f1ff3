package io.shm.application.entity;

/**
 * Fired when an operator changed an application's settings: whatever another feature keeps about it
 * (the public page it renders) is stale.
 */
public record ApplicationChanged(String slug) {
}
