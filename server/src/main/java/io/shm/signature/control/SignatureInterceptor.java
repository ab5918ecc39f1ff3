package io.shm.signature.control;

import io.shm.instance.entity.SignedInstance;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.Uuids;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.ratelimit.control.RequestOrigin;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.UUID;

/**
 * Verifies {@link SignedRequest}s: the headers are there (else 401), the instance is registered and
 * not revoked, and the signature matches its key over the exact body bytes (else 403). Every failure
 * is the same kind of refusal, whatever was malformed: nothing here throws anything else. Those
 * failures count against the client address ({@code SHM_RATELIMIT_SIGNATURE_FAILURE_PER_MINUTE}):
 * past its allowance, its signed requests are refused with 429 before any lookup.
 */
@SignedRequest
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class SignatureInterceptor {

    @Inject
    IngestRequest request;

    @Inject
    KeyCache keys;

    @Inject
    Ed25519Verifier verifier;

    @Inject
    RateLimiter limiter;

    @Inject
    RequestOrigin origin;

    @AroundInvoke
    Object verify(InvocationContext invocation) throws Exception {
        String instanceHeader = request.instanceIdHeader();
        String signature = request.signatureHeader();
        if (instanceHeader == null || instanceHeader.isBlank() || signature == null || signature.isBlank()) {
            throw new RefusedException(Refusal.MISSING_SIGNATURE);
        }
        // An address that keeps failing is refused before its requests cost a lookup or a verification.
        limiter.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, origin.address());
        UUID instanceId = parseUuid(instanceHeader.strip());
        if (instanceId == null) {
            throw failure(Refusal.UNKNOWN_INSTANCE);
        }
        KeyCache.CachedKey key = keys.find(instanceId)
                .orElseThrow(() -> failure(Refusal.UNKNOWN_INSTANCE));
        if (!verifier.verify(key.key(), signature.strip(), request.body())) {
            throw failure(Refusal.BAD_SIGNATURE);
        }
        request.signedBy(new SignedInstance(instanceId, key.rowId()));
        return invocation.proceed();
    }

    /** A refusal counted against the client address's allowance of failed signature checks. */
    private RefusedException failure(Refusal refusal) {
        limiter.spend(RateLimiter.Scope.SIGNATURE_FAILURE, origin.address());
        return new RefusedException(refusal);
    }

    /** A UUID in its canonical 36-character form, or null. */
    public static UUID parseUuid(String text) {
        return Uuids.parseCanonical(text).orElse(null);
    }
}
