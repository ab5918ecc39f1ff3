package io.shm.signature.control;

import io.shm.instance.entity.SignedInstance;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.Uuids;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.UUID;

/**
 * Verifies {@link SignedRequest}s: the headers are there (else 401), the instance is registered and
 * not revoked, and the signature matches its key over the exact body bytes (else 403). Every failure
 * is the same kind of refusal, whatever was malformed: nothing here throws anything else.
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

    @AroundInvoke
    Object verify(InvocationContext invocation) throws Exception {
        String instanceHeader = request.instanceIdHeader();
        String signature = request.signatureHeader();
        if (instanceHeader == null || instanceHeader.isBlank() || signature == null || signature.isBlank()) {
            throw new RefusedException(Refusal.MISSING_SIGNATURE);
        }
        UUID instanceId = parseUuid(instanceHeader.strip());
        if (instanceId == null) {
            throw new RefusedException(Refusal.UNKNOWN_INSTANCE);
        }
        KeyCache.CachedKey key = keys.find(instanceId)
                .orElseThrow(() -> new RefusedException(Refusal.UNKNOWN_INSTANCE));
        if (!verifier.verify(key.key(), signature.strip(), request.body())) {
            throw new RefusedException(Refusal.BAD_SIGNATURE);
        }
        request.signedBy(new SignedInstance(instanceId, key.rowId()));
        return invocation.proceed();
    }

    /** A UUID in its canonical 36-character form, or null. */
    public static UUID parseUuid(String text) {
        return Uuids.parseCanonical(text).orElse(null);
    }
}
