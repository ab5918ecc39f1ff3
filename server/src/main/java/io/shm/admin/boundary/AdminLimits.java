package io.shm.admin.boundary;

import java.time.Instant;

/** Bounds the admin API and the dashboard share. */
public final class AdminLimits {

    /** The latest instant a query accepts: PostgreSQL's timestamps end long before {@link Instant#MAX}. */
    public static final Instant LATEST = Parameters.LATEST;

    private AdminLimits() {
    }
}
