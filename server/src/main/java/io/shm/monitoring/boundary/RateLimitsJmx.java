package io.shm.monitoring.boundary;

import io.shm.ratelimit.control.RateLimiter;
import io.shm.ratelimit.control.RateLimiter.Limit;
import io.shm.ratelimit.control.RateLimiter.Scope;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/** {@code io.shm:type=RateLimits}, over {@link RateLimiter}. */
@Dependent
public class RateLimitsJmx implements RateLimitsMXBean {

    @Inject
    RateLimiter limiter;

    @Inject
    Logger log;

    @Override
    public boolean isEnabled() {
        return limiter.isEnabled();
    }

    @Override
    public void setEnabled(boolean enabled) {
        limiter.setEnabled(enabled);
        log.info(() -> "Rate limits " + (enabled ? "enabled" : "disabled") + " through JMX");
    }

    @Override
    public Map<String, Limit> getLimits() {
        Map<String, Limit> limits = new TreeMap<>();
        for (Scope scope : Scope.values()) {
            limits.put(scope.key(), limiter.limit(scope));
        }
        return limits;
    }

    @Override
    public Map<String, Long> getRefusals() {
        Map<String, Long> refusals = new TreeMap<>();
        for (Scope scope : Scope.values()) {
            refusals.put(scope.key(), limiter.refusals(scope));
        }
        return refusals;
    }

    @Override
    public void setLimit(String scope, int perMinute, int burst) {
        Scope target = Scope.of(scope);
        limiter.setLimit(target, perMinute, burst);
        // A changed limit explains a change in 429s: it belongs in the log next to them.
        log.info(() -> "Rate limit of " + target.key() + " set through JMX to " + perMinute + " per minute, burst " + burst);
    }
}
