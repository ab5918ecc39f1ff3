package io.shm.monitoring.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Puts the server's MXBeans on the platform MBean server for the life of the deployment, where
 * jconsole, VisualVM or an agent attached to the JVM find them, and the remote connector
 * ({@link JmxConnector}) serves them when one is configured.
 *
 * <p>JMX calls arrive on threads of the JVM (RMI, an attached agent) that know nothing of this
 * application. Each MXBean is therefore wrapped in a contextual proxy, so that a call runs with the
 * application's class loader and naming context: the first call may be what creates a lazy
 * application-scoped bean, which would otherwise get no {@code EntityManager} and no configuration,
 * and keep it that way for the life of the deployment.
 */
@Singleton
@Startup
public class JmxRegistration {

    public static final String DOMAIN = "io.shm";
    public static final ObjectName INGEST = name("Ingest");
    public static final ObjectName RATE_LIMITS = name("RateLimits");
    public static final ObjectName CACHES = name("Caches");
    public static final ObjectName INSTANCES = name("Instances");
    public static final ObjectName RETENTION = name("Retention");

    @Inject
    IngestStatsJmx ingest;

    @Inject
    RateLimitsJmx rateLimits;

    @Inject
    CachesJmx caches;

    @Inject
    InstancesJmx instances;

    @Inject
    RetentionJmx retention;

    @Inject
    Logger log;

    @Resource
    ContextService context;

    MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private final List<ObjectName> registered = new ArrayList<>();

    @PostConstruct
    void register() {
        replace(INGEST, ingest, IngestStatsMXBean.class);
        replace(RATE_LIMITS, rateLimits, RateLimitsMXBean.class);
        replace(CACHES, caches, CachesMXBean.class);
        replace(INSTANCES, instances, InstancesMXBean.class);
        replace(RETENTION, retention, RetentionMXBean.class);
    }

    /** Unregistered, or the platform MBean server would keep this deployment's classes alive after it is gone. */
    @PreDestroy
    void unregister() {
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (InstanceNotFoundException gone) {
                // Someone unregistered it already: nothing left to release.
            } catch (JMException e) {
                log.log(Level.WARNING, "Could not unregister MBean " + name, e);
            }
        }
        registered.clear();
    }

    /** Not an overload of {@link #register()}: the EJB container finds its lifecycle callback by name. */
    private <T> void replace(ObjectName name, T implementation, Class<T> mxbeanInterface) {
        try {
            // A deployment that ended without undeploying (a crash of the deployer, a failed
            // redeployment) leaves its MBean behind: this deployment's replaces it.
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
                log.info(() -> "Replaced a leftover MBean " + name + " from an earlier deployment");
            }
            T contextual = context.createContextualProxy(implementation, mxbeanInterface);
            server.registerMBean(new NamedParameters<>(contextual, mxbeanInterface), name);
            registered.add(name);
        } catch (JMException e) {
            throw new IllegalStateException("Cannot register MBean " + name, e);
        }
    }

    private static ObjectName name(String type) {
        try {
            return new ObjectName(DOMAIN, "type", type);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(type, e);
        }
    }

    /**
     * An MXBean whose operations show their parameters' names from the interface (the build
     * compiles with {@code -parameters}), so that jconsole asks for "scope", "perMinute" and
     * "burst" rather than "p0", "p1" and "p2".
     */
    static final class NamedParameters<T> extends StandardMBean {

        private final Class<T> mxbeanInterface;

        NamedParameters(T implementation, Class<T> mxbeanInterface) {
            super(implementation, mxbeanInterface, true);
            this.mxbeanInterface = mxbeanInterface;
        }

        @Override
        protected String getParameterName(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
            return Arrays.stream(mxbeanInterface.getMethods())
                    .filter(method -> method.getName().equals(operation.getName())
                            && method.getParameterCount() == operation.getSignature().length)
                    .map(Method::getParameters)
                    .map(parameters -> parameters[sequence])
                    .filter(Parameter::isNamePresent)
                    .map(Parameter::getName)
                    .findFirst()
                    .orElseGet(() -> super.getParameterName(operation, parameter, sequence));
        }
    }
}
