package io.shm.monitoring.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.ratelimit.control.RateLimiters;
import io.shm.testing.MutableClock;
import jakarta.enterprise.concurrent.ContextService;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

class JmxRegistrationTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private JmxRegistration registration() {
        JmxRegistration registration = new JmxRegistration();
        registration.server = server;
        registration.log = Logger.getLogger(JmxRegistration.class.getName());
        registration.ingest = new IngestStatsJmx();
        registration.rateLimits = new RateLimitsJmx();
        registration.rateLimits.limiter = RateLimiters.configured(new MutableClock(Instant.EPOCH), Map.of());
        registration.caches = new CachesJmx();
        registration.instances = new InstancesJmx();
        registration.retention = new RetentionJmx();
        registration.context = sameThreadContext();
        return registration;
    }

    /** Outside a container there is no context to carry: the contextual proxy is the instance itself. */
    private static ContextService sameThreadContext() {
        return (ContextService) Proxy.newProxyInstance(ContextService.class.getClassLoader(), new Class<?>[] {ContextService.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("createContextualProxy") && arguments.length == 2) {
                        return arguments[0];
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theMBeansLiveAsLongAsTheDeployment() throws Exception {
        JmxRegistration registration = registration();

        registration.register();

        assertEquals(List.of("io.shm:type=Caches", "io.shm:type=Ingest", "io.shm:type=Instances", "io.shm:type=RateLimits",
                        "io.shm:type=Retention"),
                server.queryNames(new ObjectName("io.shm:*"), null).stream().map(ObjectName::toString).sorted().toList());
        assertEquals("true", server.getMBeanInfo(JmxRegistration.INGEST).getDescriptor().getFieldValue("mxbean"));
        TabularData limits = (TabularData) server.getAttribute(JmxRegistration.RATE_LIMITS, "Limits");
        assertEquals(4, limits.size(), "an open type any JMX client shows: " + limits);

        registration.unregister();

        assertTrue(server.queryNames(new ObjectName("io.shm:*"), null).isEmpty());
    }

    @Test
    void aLeftoverOfAnEarlierDeploymentIsReplaced() throws Exception {
        server.registerMBean(new StandardMBean(new CachesJmx(), CachesMXBean.class, true), JmxRegistration.CACHES);
        server.registerMBean(new StandardMBean(new CachesJmx(), CachesMXBean.class, true), JmxRegistration.INGEST);
        JmxRegistration registration = registration();

        registration.register();

        assertTrue(Arrays.stream(server.getMBeanInfo(JmxRegistration.INGEST).getAttributes())
                .anyMatch(attribute -> attribute.getName().equals("AcceptedCounts")), "this deployment's Ingest MBean");
        registration.unregister();
        assertFalse(server.isRegistered(JmxRegistration.CACHES));
    }

    @Test
    void operationsShowTheirParametersByName() throws Exception {
        registration().register();

        MBeanOperationInfo setLimit = Arrays.stream(server.getMBeanInfo(JmxRegistration.RATE_LIMITS).getOperations())
                .filter(operation -> operation.getName().equals("setLimit")).findFirst().orElseThrow();

        assertEquals(List.of("scope", "perMinute", "burst"),
                Arrays.stream(setLimit.getSignature()).map(MBeanParameterInfo::getName).toList());
        MBeanOperationInfo revoke = Arrays.stream(server.getMBeanInfo(JmxRegistration.INSTANCES).getOperations())
                .filter(operation -> operation.getName().equals("revoke")).findFirst().orElseThrow();
        assertEquals("instanceId", revoke.getSignature()[0].getName());
    }
}
