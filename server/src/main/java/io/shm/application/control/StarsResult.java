package io.shm.application.control;

import java.time.Instant;
import java.util.Objects;

/**
 * What asking GitHub for a repository's stars gave.
 *
 * @param stars   the count, for {@link Status#OK} only
 * @param retryAt until when GitHub wants no more calls, for {@link Status#RATE_LIMITED} only
 * @param reason  a short explanation, for {@link Status#NOT_FOUND} and {@link Status#FAILED}
 */
public record StarsResult(Status status, int stars, Instant retryAt, String reason) {

    public enum Status {
        OK, NOT_FOUND, RATE_LIMITED, FAILED
    }

    public StarsResult {
        Objects.requireNonNull(status, "status");
    }

    public static StarsResult ok(int stars) {
        return new StarsResult(Status.OK, stars, null, null);
    }

    public static StarsResult notFound() {
        return new StarsResult(Status.NOT_FOUND, 0, null, "no such repository on GitHub");
    }

    public static StarsResult rateLimited(Instant retryAt) {
        return new StarsResult(Status.RATE_LIMITED, 0, Objects.requireNonNull(retryAt, "retryAt"), null);
    }

    public static StarsResult failed(String reason) {
        return new StarsResult(Status.FAILED, 0, null, reason);
    }
}
