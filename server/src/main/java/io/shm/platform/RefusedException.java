package io.shm.platform;

import java.util.Map;

/**
 * Thrown anywhere on a request path to refuse it; {@link ProblemMapper} turns it into an
 * {@code application/problem+json} answer. Carries no stack trace: refusals are expected, frequent,
 * and caused by clients.
 */
public class RefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;
    private final String detail;
    private final transient Map<String, String> headers;

    public RefusedException(Refusal refusal) {
        this(refusal, null, Map.of());
    }

    public RefusedException(Refusal refusal, String detail) {
        this(refusal, detail, Map.of());
    }

    public RefusedException(Refusal refusal, String detail, Map<String, String> headers) {
        super(refusal.code() + (detail == null ? "" : ": " + detail), null, false, false);
        this.refusal = refusal;
        this.detail = detail;
        this.headers = Map.copyOf(headers);
    }

    public Refusal refusal() {
        return refusal;
    }

    /** Says which field or limit, never echoes secrets; may be null. */
    public String detail() {
        return detail;
    }

    /** Extra response headers, such as Retry-After. */
    public Map<String, String> headers() {
        return headers;
    }
}
