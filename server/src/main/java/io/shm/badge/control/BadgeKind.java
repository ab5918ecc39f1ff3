package io.shm.badge.control;

/** The badges an application has. */
public enum BadgeKind {
    INSTANCES, VERSION, METRIC, COMBINED
}
