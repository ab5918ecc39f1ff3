package io.shm.security.boundary;

import io.shm.security.control.Accounts;
import io.shm.security.control.LoginAttempts;
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
import java.util.ResourceBundle;

/** The login form. The session gets a new id at login, so an id planted before login is worth nothing after. */
@Named
@RequestScoped
public class LoginView {

    @Inject
    SecurityContext security;

    @Inject
    LoginAttempts attempts;

    private String username;
    private String password;

    public void login() throws IOException {
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext external = faces.getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        AuthenticationStatus status = security.authenticate(request, (HttpServletResponse) external.getResponse(),
                AuthenticationParameters.withParams().newAuthentication(true)
                        .credential(new UsernamePasswordCredential(username == null ? "" : username,
                                new Password(password == null ? "" : password))));
        switch (status) {
            case SEND_CONTINUE -> faces.responseComplete();
            case SUCCESS -> external.redirect(pageAskedFor(request).orElse(external.getRequestContextPath() + "/app/"));
            default -> {
                forgetFailedAttempt(request);
                ResourceBundle messages = faces.getApplication().getResourceBundle(faces, "msg");
                String text = attempts.locked()
                        ? java.text.MessageFormat.format(messages.getString("login.locked"), Accounts.LOCK_MINUTES)
                        : messages.getString("login.invalid");
                faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, text, null));
            }
        }
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
