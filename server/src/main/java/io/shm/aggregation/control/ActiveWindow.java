package io.shm.aggregation.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which instances count as active: activated, not revoked, and seen within the last
 * {@code SHM_ACTIVE_DAYS} days (30 by default). The one definition of it, in Java and in SQL: every
 * count, fleet value, rollup and list of active instances uses {@link #ACTIVE} with {@link #activeSince()}.
 */
@ApplicationScoped
public class ActiveWindow {

    /** SQL over {@code instance i}: an active instance; binds one timestamp, {@link #activeSince()}. */
    public static final String ACTIVE = "i.status = 'ACTIVE' AND i.last_seen >= ?";

    /** SQL over {@code instance i}: activated and not revoked, but not seen since {@link #activeSince()} (bound). */
    public static final String INACTIVE = "i.status = 'ACTIVE' AND i.last_seen < ?";

    @Inject
    @ConfigProperty(name = "shm.active-days", defaultValue = "30")
    int days;

    @Inject
    Clock clock;

    public int days() {
        return days;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Instances last seen at or after this instant are active. */
    public Instant activeSince() {
        return clock.instant().minus(Duration.ofDays(days));
    }
}
