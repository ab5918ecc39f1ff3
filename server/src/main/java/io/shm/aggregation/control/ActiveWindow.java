package io.shm.aggregation.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Which instances count as active: those seen within the last {@code SHM_ACTIVE_DAYS} days (30 by default). */
@ApplicationScoped
public class ActiveWindow {

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
