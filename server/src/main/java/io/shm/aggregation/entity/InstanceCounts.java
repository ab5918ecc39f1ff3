package io.shm.aggregation.entity;

/**
 * Instances of an application (or of all of them) by state. Active: activated and seen within the
 * active window. New in N days: activated instances first seen within them. Churned in N days:
 * activated instances whose last sighting left the active window within the last N days.
 */
public record InstanceCounts(long total, long active, long pending, long revoked,
                             long new7Days, long new30Days, long churned7Days, long churned30Days) {

    /** The counts of an application without instances. */
    public static final InstanceCounts NONE = new InstanceCounts(0, 0, 0, 0, 0, 0, 0, 0);
}
