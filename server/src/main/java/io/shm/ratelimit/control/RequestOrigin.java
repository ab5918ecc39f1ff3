package io.shm.ratelimit.control;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;

/**
 * The address the current request is counted against: the peer, or the right-most untrusted hop of
 * {@code X-Forwarded-For} when the peer is a trusted proxy ({@link ClientAddresses}). Worked out once
 * per request, when first asked. In memory only: never stored, never logged.
 */
@RequestScoped
public class RequestOrigin {

    @Inject
    HttpServletRequest request;

    @Inject
    ClientAddresses addresses;

    private String address;

    public String address() {
        if (address == null) {
            address = addresses.of(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")));
        }
        return address;
    }
}
