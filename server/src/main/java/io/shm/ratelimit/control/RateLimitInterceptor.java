package io.shm.ratelimit.control;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Applies {@link RateLimited}: runs before the signature interceptor. */
@RateLimited(RateLimiter.Scope.REGISTER)
@Interceptor
@Priority(Interceptor.Priority.APPLICATION - 10)
public class RateLimitInterceptor {

    @Inject
    RateLimiter limiter;

    @Inject
    RequestOrigin origin;

    @AroundInvoke
    Object limit(InvocationContext invocation) throws Exception {
        RateLimited limited = invocation.getMethod().getAnnotation(RateLimited.class);
        if (limited == null) {
            limited = invocation.getMethod().getDeclaringClass().getAnnotation(RateLimited.class);
        }
        limiter.acquire(limited.value(), origin.address());
        return invocation.proceed();
    }
}
