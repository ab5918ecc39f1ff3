package io.shm.instance.entity;

import java.util.UUID;

/**
 * A new instance was registered (a CDI event, fired in the registration's transaction): whoever
 * remembered its id as unknown forgets that once the transaction commits.
 */
public record InstanceRegistered(UUID instanceId) {
}
