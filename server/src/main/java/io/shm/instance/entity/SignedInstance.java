package io.shm.instance.entity;

import java.util.UUID;

/** An instance that proved it holds its key: its public id and its row id. */
public record SignedInstance(UUID instanceId, long rowId) {
}
