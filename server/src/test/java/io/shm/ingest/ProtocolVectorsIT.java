package io.shm.ingest;

import static io.shm.ingest.IngestClients.assertProblem;
import static io.shm.ingest.IngestClients.json;
import static io.shm.ingest.IngestClients.newClient;
import static io.shm.testing.JmxTestSession.OPERATOR;
import static io.shm.testing.JmxTestSession.OPERATOR_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.monitoring.boundary.JmxRegistration;
import io.shm.monitoring.boundary.RetentionMXBean;
import io.shm.testing.Deployments;
import io.shm.testing.JmxTestSession;
import io.shm.testing.ProtocolVectors;
import io.shm.testing.Rows;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.management.JMX;
import javax.management.remote.JMXConnector;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The signed vectors of an independent implementation (shared/protocol/vectors.json), byte for byte.
 * They carry fixed timestamps: once older than the retention of raw snapshots (90 days by default) the
 * server would refuse them as {@code stale_snapshot}, which is right for a client and says nothing of
 * the signatures. The retention is raised through JMX for this check, hence the JMX container.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProtocolVectorsIT {

    /** A hundred years: no vector is too old for it. */
    private static final int RETENTION_FOR_THE_VECTORS = 36_500;

    @Deployment(testable = false)
    @TargetsContainer("payara-micro-jmx")
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void vectorsAreAcceptedAndRefusedAsTheySay() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            RetentionMXBean retention = JMX.newMXBeanProxy(jmx.getMBeanServerConnection(), JmxRegistration.RETENTION,
                    RetentionMXBean.class);
            int configured = retention.getDays();
            retention.setDays(RETENTION_FOR_THE_VECTORS);
            try {
                sendTheVectors();
            } finally {
                retention.setDays(configured);
            }
        }
    }

    private void sendTheVectors() throws Exception {
        ProtocolVectors vectors = ProtocolVectors.load();
        ShmClient raw = newClient(base);
        for (ProtocolVectors.SignedBody valid : vectors.valid()) {
            Map<String, String> headers = new HashMap<>(ShmClient.jsonHeaders());
            if (valid.signatureHex() != null) {
                headers.put(ShmClient.INSTANCE_ID_HEADER, valid.instanceId().toString());
                headers.put(ShmClient.SIGNATURE_HEADER, valid.signatureHex());
            }
            ShmResponse response = raw.send(valid.path(), valid.bodyBytes(), headers);
            assertTrue(response.isSuccess(), valid.what() + ": " + response.status() + " " + response.body());
        }
        UUID a = vectors.instance("A").instanceId();
        assertEquals(2, Rows.snapshotsOf(a));
        JsonObject current = json((String) Rows.instance(a).get("metrics_json"));
        assertEquals(123, current.getInt("documents_created"));
        assertEquals("ackify", Rows.instance(a).get("slug"));

        for (ProtocolVectors.SignedBody invalid : vectors.invalid()) {
            Map<String, String> headers = new HashMap<>(ShmClient.jsonHeaders());
            headers.put(ShmClient.INSTANCE_ID_HEADER, invalid.instanceId().toString());
            if (invalid.signatureHex() != null) {
                headers.put(ShmClient.SIGNATURE_HEADER, invalid.signatureHex());
            }
            ShmResponse response = raw.send("/v1/snapshot", invalid.bodyBytes(), headers);
            assertEquals(invalid.expectedStatus(), response.status(), invalid.what() + ": " + response.body());
            assertProblem(response);
        }
        assertEquals(2, Rows.snapshotsOf(a), "no refused snapshot stored");
    }
}
