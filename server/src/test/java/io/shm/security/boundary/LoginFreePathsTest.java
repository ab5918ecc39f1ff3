package io.shm.security.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.config.ServerAuthContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class LoginFreePathsTest {

    /** The module behind the wrapper: records what reached it and authenticates nobody. */
    private final List<String> reached = new ArrayList<>();
    private final ServerAuthContext module = new ServerAuthContext() {
        @Override
        public AuthStatus validateRequest(MessageInfo message, Subject client, Subject service) {
            reached.add("validate " + path(message));
            return AuthStatus.SEND_CONTINUE;
        }

        @Override
        public AuthStatus secureResponse(MessageInfo message, Subject service) {
            reached.add("secure " + path(message));
            return AuthStatus.SEND_SUCCESS;
        }

        @Override
        public void cleanSubject(MessageInfo message, Subject subject) {
            reached.add("clean " + path(message));
        }
    };
    private final ServerAuthContext wrapped = new LoginFreePaths.Context(module);

    @Test
    void ingestBadgesThePublicPageAndTheHealthcheckNeverReachTheLoginModule() throws Exception {
        for (MessageInfo message : List.of(request("/v1", "/snapshot", false), request("/v1", "/register", false),
                request("/badge", "/my-app/instances", false), request("/public", "/my-app", false),
                request("/api", "/v1/healthcheck", false))) {
            assertEquals(AuthStatus.SUCCESS, wrapped.validateRequest(message, new Subject(), null),
                    "passes unauthenticated: " + path(message));
            assertEquals(AuthStatus.SEND_SUCCESS, wrapped.secureResponse(message, null));
        }
        assertEquals(List.of(), reached);
    }

    @Test
    void theDashboardTheLoginPageAndTheAdminApiGoThroughTheLoginModule() throws Exception {
        for (MessageInfo message : List.of(request("/app/overview.xhtml", null, false),
                request("/login.xhtml", null, false), request("/api", "/v1/admin/stats", false),
                request("/jakarta.faces.resource", "/shm.js", false))) {
            assertEquals(AuthStatus.SEND_CONTINUE, wrapped.validateRequest(message, new Subject(), null));
            wrapped.secureResponse(message, null);
        }
        assertEquals(List.of("validate /app/overview.xhtml", "secure /app/overview.xhtml", "validate /login.xhtml",
                "secure /login.xhtml", "validate /api/v1/admin/stats", "secure /api/v1/admin/stats",
                "validate /jakarta.faces.resource/shm.js", "secure /jakarta.faces.resource/shm.js"), reached);
    }

    @Test
    void aRequestTheContainerRequiresALoginForReachesTheModuleWhateverItsPath() throws Exception {
        MessageInfo protectedIngestPath = request("/v1", "/snapshot", true);
        assertTrue(Boolean.parseBoolean((String) protectedIngestPath.getMap().get(LoginFreePaths.IS_MANDATORY)));
        assertEquals(AuthStatus.SEND_CONTINUE, wrapped.validateRequest(protectedIngestPath, new Subject(), null));
        assertEquals(List.of("validate /v1/snapshot"), reached);
    }

    @Test
    void aLogoutIsAlwaysTheModulesAndAMessageThatIsNotHttpIsNeverSkipped() throws Exception {
        MessageInfo ingest = request("/v1", "/snapshot", false);
        wrapped.cleanSubject(ingest, new Subject());
        assertEquals(List.of("clean /v1/snapshot"), reached);
        assertFalse(LoginFreePaths.skips(new Message(new Object(), new HashMap<>())));
    }

    private static MessageInfo request(String servletPath, String pathInfo, boolean mandatory) {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                LoginFreePathsTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "toString" -> servletPath + (pathInfo == null ? "" : pathInfo);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Map<String, Object> map = new HashMap<>();
        if (mandatory) {
            // GlassFish and Payara set the key only on requests that need a login.
            map.put(LoginFreePaths.IS_MANDATORY, "true");
        }
        return new Message(request, map);
    }

    private static String path(MessageInfo message) {
        return message.getRequestMessage().toString();
    }

    private record Message(Object requestMessage, Map<String, Object> properties) implements MessageInfo {

        @Override
        public Object getRequestMessage() {
            return requestMessage;
        }

        @Override
        public Object getResponseMessage() {
            return null;
        }

        @Override
        public void setRequestMessage(Object request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setResponseMessage(Object response) {
            throw new UnsupportedOperationException();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Map getMap() {
            return properties;
        }
    }
}
