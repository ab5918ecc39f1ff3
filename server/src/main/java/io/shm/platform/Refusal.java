package io.shm.platform;

/**
 * Why a request was refused: an HTTP status, a stable machine-readable reason (counted, and shown
 * in the problem body) and a sentence for the human reading it.
 */
public enum Refusal {
    // 400
    NOT_JSON(400, "The body is not valid JSON."),
    NOT_AN_OBJECT(400, "The body must be a JSON object."),
    MISSING_FIELD(400, "A required field is missing."),
    MALFORMED_FIELD(400, "A field has the wrong type or format."),
    INVALID_PUBLIC_KEY(400, "The public key is not an acceptable Ed25519 key."),
    TOO_MANY_KEYS(400, "The metrics have more keys than allowed."),
    KEY_TOO_LONG(400, "A metric key is longer than allowed."),
    KEY_NOT_ALLOWED(400, "A metric key is empty or has a control character, a line separator, an unpaired surrogate or a bidirectional override."),
    STRING_TOO_LONG(400, "A string value is longer than allowed."),
    TOO_DEEP(400, "The metrics are nested deeper than allowed."),
    NUMBER_OUT_OF_RANGE(400, "A number has more digits or a larger exponent than allowed."),
    NUL_CHARACTER(400, "Text must not contain the NUL character (U+0000)."),
    INVALID_PARAMETER(400, "A parameter is missing or invalid."),
    UNSTORABLE_VALUE(400, "The database refuses a value of the request (out of range, or not storable)."),
    // 401
    MISSING_SIGNATURE(401, "The X-Instance-ID and X-Signature headers are required."),
    MISSING_TOKEN(401, "An API token is required: Authorization: Bearer <token>."),
    UNKNOWN_TOKEN(401, "The API token is not known."),
    // 403
    UNKNOWN_INSTANCE(403, "The instance is not registered."),
    REVOKED_INSTANCE(403, "The instance has been revoked."),
    BAD_SIGNATURE(403, "The signature does not match the body and the instance's key."),
    INSTANCE_MISMATCH(403, "The instance_id in the body differs from the X-Instance-ID header."),
    REVOKED_TOKEN(403, "The API token has been revoked."),
    // 404
    NOT_FOUND(404, "No such resource."),
    // 409
    KEY_CONFLICT(409, "This instance_id is registered with another public key."),
    REPLAYED_SNAPSHOT(409, "The snapshot is not later than the last one accepted from this instance."),
    FUTURE_SNAPSHOT(409, "The snapshot's timestamp is too far in the future."),
    CONCURRENT_CHANGE(409, "A concurrent request changed the same data first; send the request again."),
    STALE_SNAPSHOT(409, "The snapshot's timestamp is older than the retention of raw snapshots."),
    REPLAYED_ACTIVATE(409, "The signed activate is not later than the last one accepted from this instance."),
    FUTURE_ACTIVATE(409, "The signed activate's timestamp is too far in the future."),
    // 413, 415, 429, 503
    BODY_TOO_LARGE(413, "The body is larger than allowed."),
    UNSUPPORTED_MEDIA_TYPE(415, "The body must be JSON: a form, multipart, XML, HTML or media body is refused."),
    RATE_LIMITED(429, "Too many requests; retry later."),
    DATABASE_UNAVAILABLE(503, "The database is unavailable; retry later.");

    private final int status;
    private final String title;

    Refusal(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The reason as it appears on the wire and in metrics: {@code bad_signature}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
