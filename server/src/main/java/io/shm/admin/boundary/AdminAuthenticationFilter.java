package io.shm.admin.boundary;

import io.shm.admin.control.ApiTokens;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.ratelimit.control.ClientAddresses;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.security.control.AccountIdentityStore;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Guards the admin API: first the admin rate limit per client address (so that guessing tokens is as
 * slow as the limit), then the bearer token. No token or an unknown one: 401 with
 * {@code WWW-Authenticate}; a revoked one: 403. A dashboard login is enough to read.
 */
@Provider
@AdminApi
@Priority(Priorities.AUTHENTICATION)
public class AdminAuthenticationFilter implements ContainerRequestFilter {

    static final String CHALLENGE = "Bearer realm=\"shm\"";
    static final int TOKEN_MAX = 200;

    @Inject
    ApiTokens tokens;

    @Inject
    RateLimiter limiter;

    @Inject
    ClientAddresses clientAddresses;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext context) {
        limiter.acquire(RateLimiter.Scope.ADMIN,
                clientAddresses.of(servletRequest.getRemoteAddr(), context.getHeaders().get("X-Forwarded-For")));
        if (readsWithDashboardLogin(context)) {
            return;
        }
        String secret = bearer(context.getHeaderString(HttpHeaders.AUTHORIZATION))
                .orElseThrow(() -> unauthorized(Refusal.MISSING_TOKEN));
        Optional<ApiTokens.Token> token;
        try {
            token = tokens.authenticate(secret);
        } catch (SQLException e) {
            throw new IllegalStateException("token lookup failed", e); // mapped to 503 by ProblemMapper
        }
        if (token.isEmpty()) {
            throw unauthorized(Refusal.UNKNOWN_TOKEN);
        }
        if (token.get().revoked()) {
            throw new RefusedException(Refusal.REVOKED_TOKEN);
        }
    }

    /**
     * A signed-in dashboard user may read (the dashboard's CSV export link, say). Changes need a token:
     * a browser sends its session cookie with any request, also one a hostile page makes it send.
     */
    private boolean readsWithDashboardLogin(ContainerRequestContext context) {
        return ("GET".equals(context.getMethod()) || "HEAD".equals(context.getMethod()))
                && context.getHeaderString(HttpHeaders.AUTHORIZATION) == null
                && servletRequest.getUserPrincipal() != null
                && servletRequest.isUserInRole(AccountIdentityStore.ROLE);
    }

    static Optional<String> bearer(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String secret = value.substring(7).strip();
        return secret.isEmpty() || secret.length() > TOKEN_MAX ? Optional.empty() : Optional.of(secret);
    }

    private static RefusedException unauthorized(Refusal refusal) {
        return new RefusedException(refusal, null, Map.of(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE));
    }
}
