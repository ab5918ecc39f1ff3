package io.shm.instance.entity;

import java.util.UUID;

/**
 * Fired when an instance is revoked, reactivated or deleted, or found missing or revoked where it was
 * expected: whatever another feature keeps about it (the signature's key cache) is stale. The
 * instance feature notifies; it does not reach into the features that cache.
 */
public record InstanceChanged(UUID instanceId) {
}
