package io.shm.security.boundary;

import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.security.auth.message.config.AuthConfigProvider;
import jakarta.security.auth.message.config.ClientAuthConfig;
import jakarta.security.auth.message.config.ServerAuthConfig;
import jakarta.security.auth.message.config.ServerAuthContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;

/**
 * Keeps the dashboard's login module off the paths that never log in: ingest ({@code /v1/*}), badges,
 * the public page and {@code /api/v1/healthcheck}.
 *
 * <p>Jakarta Security runs its mechanism through a Jakarta Authentication module that the container
 * calls on every request of the application, protected or not, twice (to validate the request and to
 * secure the response). Each call looks the CDI bean manager up in JNDI and builds a
 * {@code NamingException} with its stack trace on the way, then resolves the mechanism bean: on ingest,
 * which is signed and never carries a login, about a tenth of the server's CPU for nothing. This
 * listener wraps the module registered for the application (by Soteria, on Payara and WildFly) so that
 * a request on one of those paths which the container does not require to be authenticated passes as
 * unauthenticated, as the module itself would let it pass, without calling it.
 *
 * <p>A request that needs a login ({@code MessagePolicy.isMandatory}) always reaches the module,
 * whatever its path: the decision rests on the path the container mapped (the servlet path, decoded
 * and normalized), and can only skip a login where none is asked for. The admin API ({@code /api/v1/admin})
 * is not skipped: it also accepts the dashboard's session.
 */
@WebListener
public class LoginFreePaths implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(LoginFreePaths.class.getName());
    /** Jakarta Authentication's Servlet profile: the message layer and the key of "this request needs a login". */
    static final String HTTP_SERVLET_LAYER = "HttpServlet";
    static final String IS_MANDATORY = "jakarta.security.auth.message.MessagePolicy.isMandatory";
    /** Applications (servlet paths) that never log in. */
    private static final Set<String> SERVLET_PATHS = Set.of("/v1", "/badge", "/public");
    private static final String HEALTHCHECK_SERVLET_PATH = "/api";
    private static final String HEALTHCHECK_PATH_INFO = "/v1/healthcheck";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        AuthConfigFactory factory;
        try {
            factory = AuthConfigFactory.getFactory();
        } catch (RuntimeException | LinkageError notAvailable) {
            LOG.log(Level.FINE, "No Jakarta Authentication factory: nothing to wrap", notAvailable);
            return;
        }
        if (factory == null) {
            return;
        }
        String appContext = context.getVirtualServerName() + " " + context.getContextPath();
        AuthConfigProvider registered = factory.getConfigProvider(HTTP_SERVLET_LAYER, appContext, null);
        if (registered == null || registered instanceof Provider) {
            return;
        }
        // Same layer and application context: replaces the registration (and keeps its id, which the
        // module's own installer removes when the application stops).
        factory.registerConfigProvider(new Provider(registered), HTTP_SERVLET_LAYER, appContext,
                "SHM: the login module, skipped on paths that never log in");
        LOG.fine(() -> "Login module wrapped for " + appContext);
    }

    /** Whether this request is one the login module need not see. */
    static boolean skips(MessageInfo message) {
        if (!(message.getRequestMessage() instanceof HttpServletRequest request)) {
            return false;
        }
        Map<?, ?> properties = message.getMap();
        if (properties != null && Boolean.parseBoolean(String.valueOf(properties.get(IS_MANDATORY)))) {
            return false;
        }
        String servletPath = request.getServletPath();
        if (SERVLET_PATHS.contains(servletPath)) {
            return true;
        }
        return HEALTHCHECK_SERVLET_PATH.equals(servletPath) && HEALTHCHECK_PATH_INFO.equals(request.getPathInfo());
    }

    /** The registered provider, with each server context it hands out wrapped. */
    record Provider(AuthConfigProvider delegate) implements AuthConfigProvider {

        @Override
        public ClientAuthConfig getClientAuthConfig(String layer, String appContext, CallbackHandler handler)
                throws AuthException {
            return delegate.getClientAuthConfig(layer, appContext, handler);
        }

        @Override
        public ServerAuthConfig getServerAuthConfig(String layer, String appContext, CallbackHandler handler)
                throws AuthException {
            ServerAuthConfig config = delegate.getServerAuthConfig(layer, appContext, handler);
            return config == null ? null : new Config(config);
        }

        @Override
        public void refresh() {
            delegate.refresh();
        }
    }

    record Config(ServerAuthConfig delegate) implements ServerAuthConfig {

        @Override
        public ServerAuthContext getAuthContext(String authContextId, Subject serviceSubject,
                                                @SuppressWarnings("rawtypes") Map properties) throws AuthException {
            ServerAuthContext context = delegate.getAuthContext(authContextId, serviceSubject, properties);
            return context == null ? null : new Context(context);
        }

        @Override
        public String getMessageLayer() {
            return delegate.getMessageLayer();
        }

        @Override
        public String getAppContext() {
            return delegate.getAppContext();
        }

        @Override
        public String getAuthContextID(MessageInfo messageInfo) {
            return delegate.getAuthContextID(messageInfo);
        }

        @Override
        public void refresh() {
            delegate.refresh();
        }

        @Override
        public boolean isProtected() {
            return delegate.isProtected();
        }
    }

    /**
     * Validates a skipped request as the module does one it does not authenticate: {@code SUCCESS}
     * with no caller, so that the request runs unauthenticated; its response is sent as it is.
     */
    record Context(ServerAuthContext delegate) implements ServerAuthContext {

        @Override
        public AuthStatus validateRequest(MessageInfo message, Subject client, Subject service) throws AuthException {
            return skips(message) ? AuthStatus.SUCCESS : delegate.validateRequest(message, client, service);
        }

        @Override
        public AuthStatus secureResponse(MessageInfo message, Subject service) throws AuthException {
            return skips(message) ? AuthStatus.SEND_SUCCESS : delegate.secureResponse(message, service);
        }

        @Override
        public void cleanSubject(MessageInfo message, Subject subject) throws AuthException {
            delegate.cleanSubject(message, subject);
        }
    }
}
