package io.shm.monitoring.boundary;

import io.shm.ratelimit.control.RateLimiter.Limit;
import java.util.Map;

/**
 * The ingest rate limits, as {@code io.shm:type=RateLimits}: inspect and change them while the
 * server runs, for instance to slow down a misbehaving fleet without a restart. Changes last until
 * the next deployment, which reads the configuration again.
 */
public interface RateLimitsMXBean {

    boolean isEnabled();

    void setEnabled(boolean enabled);

    /** By scope ({@code register}, {@code activate}, {@code snapshot}, {@code admin}, {@code login}, {@code signature_failure}, {@code public}). */
    Map<String, Limit> getLimits();

    /** Requests answered 429, by scope, since deployment. */
    Map<String, Long> getRefusals();

    /**
     * Sets one scope's limit: {@code perMinute} requests flow in each minute, up to {@code burst}
     * at once. Both from 1 to 1,000,000.
     *
     * @throws IllegalArgumentException for an unknown scope or a number out of range, saying which
     */
    void setLimit(String scope, int perMinute, int burst);
}
