package io.shm.sdk;

/**
 * What became of a report: accepted, refused by the server (with its status and the {@code reason}
 * of its problem answer, when it gave one), the server unreachable, a failure on this side, or
 * reporting disabled.
 *
 * @param kind   what happened
 * @param status the HTTP status of the last answer, or 0 when there was none
 * @param reason the server's {@code reason} (refused), the error (unreachable, failed) or why reporting is off
 * @param body   the last answer's body as received, or empty
 */
public record Outcome(Kind kind, int status, String reason, String body) {

    public enum Kind {
        /** The server stored the snapshot (202). */
        ACCEPTED,
        /** The server answered with anything else, after the retries allowed. */
        REFUSED,
        /** No answer: connection refused, time-out, name not resolved. */
        UNREACHABLE,
        /** Nothing was sent because of this side: the identity file cannot be read or written, say. */
        FAILED,
        /** Nothing was sent: {@code DO_NOT_TRACK}, an invalid configuration, or a closed reporter. */
        DISABLED
    }

    public Outcome {
        reason = reason == null ? "" : reason;
        body = body == null ? "" : body;
    }

    public boolean accepted() {
        return kind == Kind.ACCEPTED;
    }

    static Outcome disabled(String why) {
        return new Outcome(Kind.DISABLED, 0, why, "");
    }

    static Outcome unreachable(String why) {
        return new Outcome(Kind.UNREACHABLE, 0, why, "");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ACCEPTED -> "accepted (" + status + ")";
            case REFUSED -> "refused (" + status + (reason.isEmpty() ? "" : ", " + reason) + ")";
            case UNREACHABLE -> "server unreachable (" + reason + ")";
            case FAILED -> "failed (" + reason + ")";
            case DISABLED -> "disabled (" + reason + ")";
        };
    }
}
