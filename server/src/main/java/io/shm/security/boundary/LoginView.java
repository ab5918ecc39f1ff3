package io.shm.security.boundary;

import io.shm.platform.RefusedException;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.ratelimit.control.RequestOrigin;
import io.shm.security.control.LoginAttempts;
import io.shm.security.control.LoginThrottle;
import io.shm.security.control.PasswordHashes;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * The login form. The session gets a new id at login, so an id planted before login is worth nothing after.
 * Before any password is checked, the post is rate limited per client address (429) and throttled per
 * account and address ({@link LoginThrottle}, 429 with the wait); a login that finds every hashing slot
 * taken is answered 503. Each of these answers is the login page with the reason and a Retry-After.
 */
@Named
@RequestScoped
public class LoginView {

    @Inject
    SecurityContext security;

    @Inject
    LoginAttempts attempts;

    @Inject
    LoginThrottle throttle;

    @Inject
    RateLimiter limiter;

    @Inject
    RequestOrigin origin;

    private String username;
    private String password;

    public void login() throws IOException {
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext external = faces.getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        String caller = username == null ? "" : username;
        String address = origin.address();
        try {
            limiter.acquire(RateLimiter.Scope.LOGIN, address);
        } catch (RefusedException e) {
            refuse(faces, 429, Long.parseLong(e.headers().get("Retry-After")), "login.rateLimited");
            return;
        }
        Optional<Duration> wait = throttle.begin(caller, address);
        if (wait.isPresent()) {
            refuse(faces, 429, seconds(wait.get()), "login.throttled");
            return;
        }
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        AuthenticationStatus status = security.authenticate(request, (HttpServletResponse) external.getResponse(),
                AuthenticationParameters.withParams().newAuthentication(true)
                        .credential(new UsernamePasswordCredential(caller, new Password(password == null ? "" : password))));
        switch (status) {
            case SEND_CONTINUE -> faces.responseComplete();
            case SUCCESS -> {
                throttle.succeeded(caller, address);
                external.redirect(pageAskedFor(request).orElse(external.getRequestContextPath() + "/app/"));
            }
            default -> {
                forgetFailedAttempt(request);
                if (attempts.busy()) {
                    throttle.undecided(caller, address);
                    refuse(faces, 503, PasswordHashes.MAX_WAIT_SECONDS, "login.busy");
                } else {
                    faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, message(faces, "login.invalid"), null));
                }
            }
        }
    }

    /** The login page again, with {@code status}, a Retry-After and the reason. */
    private static void refuse(FacesContext faces, int status, long retryAfterSeconds, String key) {
        ExternalContext external = faces.getExternalContext();
        external.setResponseStatus(status);
        external.setResponseHeader("Retry-After", Long.toString(retryAfterSeconds));
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                MessageFormat.format(message(faces, key), Long.toString(retryAfterSeconds)), null));
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static String message(FacesContext faces, String key) {
        ResourceBundle messages = faces.getApplication().getResourceBundle(faces, "msg");
        return messages.getString(key);
    }

    /**
     * Soteria (Payara's Jakarta Security) remembers an unfinished login in the session and would answer
     * the next protected page with an empty 401 instead of the login form; a refused login is finished.
     */
    private static void forgetFailedAttempt(HttpServletRequest request) {
        jakarta.servlet.http.HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute("org.glassfish.soteria.caller_initiated_authentication");
        }
    }

    /**
     * The dashboard page that needed the login. The login page is shown in its place (a forward), so the
     * browser still shows that page's address and names it as the referrer of the login form's post.
     * Only a path of this dashboard is accepted: never a redirect to another host.
     */
    static java.util.Optional<String> pageAskedFor(HttpServletRequest request) {
        String referer = request.getHeader("Referer");
        if (referer == null) {
            return java.util.Optional.empty();
        }
        try {
            java.net.URI uri = java.net.URI.create(referer);
            String path = uri.getRawPath();
            boolean sameHost = uri.getHost() == null || uri.getHost().equalsIgnoreCase(request.getServerName());
            if (!sameHost || path == null || !path.startsWith(request.getContextPath() + "/app/") || path.contains("..")) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    public void logout() throws IOException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        try {
            request.logout();
        } catch (jakarta.servlet.ServletException e) {
            // the session is invalidated below either way
        }
        external.invalidateSession();
        external.redirect(external.getRequestContextPath() + "/login.xhtml?logout=true");
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
