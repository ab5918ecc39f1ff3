package io.shm.instance.entity;

/** Life of an instance: registered (unsigned), then activated by a signed request, possibly revoked. */
public enum InstanceStatus {
    PENDING,
    ACTIVE,
    REVOKED
}
