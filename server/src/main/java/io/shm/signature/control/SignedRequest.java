package io.shm.signature.control;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The request body must be signed by a registered, non-revoked instance: {@code X-Instance-ID}
 * names it, {@code X-Signature} is its Ed25519 signature over the exact body bytes. Verified by
 * {@link SignatureInterceptor} before the method runs.
 */
@InterceptorBinding
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface SignedRequest {
}
