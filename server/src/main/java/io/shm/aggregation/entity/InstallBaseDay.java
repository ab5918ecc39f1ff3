package io.shm.aggregation.entity;

import java.time.LocalDate;

/**
 * An application's install base on one UTC day: the instances active that day (a daily report within
 * the active window ending that day), those first seen that day, and those that left the active window
 * that day (their last report fell out of it).
 */
public record InstallBaseDay(LocalDate day, long active, long newInstances, long churned) {
}
