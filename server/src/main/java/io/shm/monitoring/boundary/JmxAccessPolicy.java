package io.shm.monitoring.boundary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AccessController;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectInstance;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * What a remote JMX user may reach, checked between the connector and the MBean server:
 * <ul>
 * <li>the server's own MBeans (domain {@value JmxRegistration#DOMAIN}): read by every user, changed
 * (attributes set, operations invoked) by {@code readwrite} users only;</li>
 * <li>the JVM's {@code java.lang} MXBeans (memory, threads, garbage collectors...) and the MBean
 * server's delegate: read only, for everyone, except the attributes that can carry secrets passed on
 * the command line ({@code SystemProperties}, {@code InputArguments});</li>
 * <li>nothing else: the rest of the platform MBean server (DiagnosticCommand, HotSpotDiagnostic, MLet,
 * Payara's and the JDK's other MBeans) is neither listed nor reachable, and no MBean may be created,
 * registered, unregistered or deserialized remotely.</li>
 * </ul>
 * A user with no access level is refused everything. Every remote client is authenticated
 * ({@link JmxConnector}), so a call without a subject is the connector's own.
 */
final class JmxAccessPolicy implements InvocationHandler {

    /** A user's rights, as in the JDK's access file. */
    enum Access { READONLY, READWRITE }

    static final String PLATFORM_DOMAIN = "java.lang";
    static final ObjectName DELEGATE = name("JMImplementation:type=MBeanServerDelegate");
    static final Set<String> SECRET_ATTRIBUTES = Set.of("SystemProperties", "InputArguments");

    private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "isInstanceOf",
            "getObjectInstance", "isRegistered", "addNotificationListener", "removeNotificationListener");
    private static final Set<String> WRITES = Set.of("setAttribute", "setAttributes", "invoke");

    private final Map<String, Access> users;
    private MBeanServer server;

    private JmxAccessPolicy(Map<String, Access> users) {
        this.users = Map.copyOf(users);
    }

    /** A forwarder applying the policy for these users. */
    static MBeanServerForwarder forwarder(Map<String, Access> users) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new JmxAccessPolicy(users));
    }

    /**
     * The users of a JDK-style access file: {@code user readonly} or {@code user readwrite} a line
     * ({@code #} starts a comment; the {@code create} and {@code unregister} clauses are not granted here).
     */
    static Map<String, Access> readAccessFile(Path file) {
        Map<String, Access> users = new HashMap<>();
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                if (parts.length < 2) {
                    throw new IllegalStateException("the access file " + file + " has a line without an access level: " + parts[0]);
                }
                Access access = switch (parts[1].toLowerCase(Locale.ROOT)) {
                    case "readonly" -> Access.READONLY;
                    case "readwrite" -> Access.READWRITE;
                    default -> throw new IllegalStateException("the access file " + file + " gives " + parts[0]
                            + " '" + parts[1] + "': readonly or readwrite");
                };
                users.put(parts[0], access);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return users;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String operation = method.getName();
        switch (operation) {
            case "getMBeanServer":
                return server;
            case "setMBeanServer":
                server = (MBeanServer) args[0];
                return null;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "JmxAccessPolicy" + users.keySet();
            default:
                break;
        }
        @SuppressWarnings("removal")
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject == null) {
            // The connector's own work (its notification buffer), never a remote call: every remote
            // client is authenticated, and its calls run as its subject.
            return forward(method, args);
        }
        Access access = accessOf(subject);
        if (operation.equals("getDefaultDomain")) {
            return forward(method, args);
        }
        if (operation.equals("queryNames") || operation.equals("queryMBeans")) {
            Set<?> all = (Set<?>) forward(method, args);
            return all.stream().filter(found -> readable(found instanceof ObjectInstance instance ? instance.getObjectName() : (ObjectName) found))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        }
        if (operation.equals("getDomains")) {
            return Arrays.stream((String[]) forward(method, args))
                    .filter(domain -> domain.equals(JmxRegistration.DOMAIN) || domain.equals(PLATFORM_DOMAIN)
                            || domain.equals(DELEGATE.getDomain()))
                    .toArray(String[]::new);
        }
        if (operation.equals("getMBeanCount")) {
            return (int) server.queryNames(null, null).stream().filter(JmxAccessPolicy::readable).count();
        }
        ObjectName target = args != null && args.length > 0 && args[0] instanceof ObjectName name ? name : null;
        if (target == null || target.isPattern()) {
            throw refused(operation, target);
        }
        if (READS.contains(operation)) {
            if (!readable(target) || (args.length > 1 && args[1] instanceof ObjectName listener && !readable(listener))) {
                throw refused(operation, target);
            }
            if (operation.equals("getAttribute") && !platformAttributeReadable(target, (String) args[1])) {
                throw refused(operation + " " + args[1], target);
            }
            if (operation.equals("getAttributes")) {
                String[] asked = Arrays.stream((String[]) args[1])
                        .filter(attribute -> platformAttributeReadable(target, attribute)).toArray(String[]::new);
                return server.getAttributes(target, asked);
            }
            return forward(method, args);
        }
        if (WRITES.contains(operation) && access == Access.READWRITE && JmxRegistration.DOMAIN.equals(target.getDomain())) {
            return forward(method, args);
        }
        throw refused(operation, target);
    }

    private Access accessOf(Subject subject) {
        for (JMXPrincipal principal : subject.getPrincipals(JMXPrincipal.class)) {
            Access access = users.get(principal.getName());
            if (access != null) {
                return access;
            }
        }
        throw new SecurityException("no JMX access for this user");
    }

    static boolean readable(ObjectName name) {
        return name != null && (JmxRegistration.DOMAIN.equals(name.getDomain()) || PLATFORM_DOMAIN.equals(name.getDomain())
                || DELEGATE.equals(name));
    }

    private static boolean platformAttributeReadable(ObjectName target, String attribute) {
        return !PLATFORM_DOMAIN.equals(target.getDomain()) || !SECRET_ATTRIBUTES.contains(attribute);
    }

    private Object forward(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(server, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static SecurityException refused(String operation, ObjectName target) {
        return new SecurityException("JMX access denied: " + operation + (target == null ? "" : " on " + target));
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
