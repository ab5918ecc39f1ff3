package io.shm.monitoring.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.instance.control.InstanceAdmin;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class InstancesJmxTest {

    private static final UUID KNOWN = UUID.fromString("0b6f3c2e-5d1a-4c1e-9a57-3e8f0c6d2b14");

    private final List<String> calls = new ArrayList<>();
    private SQLException failure;
    private final InstancesJmx mbean = new InstancesJmx();

    InstancesJmxTest() {
        mbean.log = Logger.getLogger(InstancesJmx.class.getName());
        mbean.fleet = new FleetCounts() {
            @Override
            public InstanceCounts counts(Long applicationId) throws SQLException {
                failIfAsked();
                calls.add("counts " + applicationId);
                return new InstanceCounts(10, 6, 3, 1, 2, 4, 0, 1);
            }

            @Override
            public Map<String, Long> activeInstancesBySlug() throws SQLException {
                failIfAsked();
                return Map.of("app-a", 6L, "app-b", 0L);
            }
        };
        mbean.admin = new InstanceAdmin() {
            @Override
            public boolean revoke(UUID instanceId) throws SQLException {
                return record("revoke", instanceId);
            }

            @Override
            public boolean reactivate(UUID instanceId) throws SQLException {
                return record("reactivate", instanceId);
            }

            @Override
            public boolean delete(UUID instanceId) throws SQLException {
                return record("delete", instanceId);
            }
        };
    }

    private boolean record(String operation, UUID instanceId) throws SQLException {
        failIfAsked();
        calls.add(operation + " " + instanceId);
        return instanceId.equals(KNOWN);
    }

    private void failIfAsked() throws SQLException {
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void countsAreTheWholeFleetsByState() {
        assertEquals(10, mbean.getTotal());
        assertEquals(6, mbean.getActive());
        assertEquals(3, mbean.getPending());
        assertEquals(1, mbean.getRevoked());
        assertEquals(Set.of("counts null"), Set.copyOf(calls));
        assertEquals(Map.of("app-a", 6L, "app-b", 0L), mbean.getActiveByApplication());
    }

    @Test
    void operationsReachTheAdminControlWithTheParsedId() {
        mbean.revoke(KNOWN.toString());
        mbean.reactivate(" " + KNOWN.toString().toUpperCase() + " ");
        mbean.delete(KNOWN.toString());

        assertEquals(List.of("revoke " + KNOWN, "reactivate " + KNOWN, "delete " + KNOWN), calls);
    }

    @Test
    void anUnknownInstanceIsRefusedNamingIt() {
        String unknown = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

        assertEquals("no instance " + unknown,
                assertThrows(IllegalArgumentException.class, () -> mbean.revoke(unknown)).getMessage());
        assertEquals("no instance " + unknown,
                assertThrows(IllegalArgumentException.class, () -> mbean.delete(unknown)).getMessage());
    }

    @Test
    void aMalformedIdIsRefusedSayingWhatIsExpectedAndReachesNothing() {
        assertEquals("not an instance id: 'not-a-uuid'; expected a UUID such as 123e4567-e89b-12d3-a456-426614174000",
                assertThrows(IllegalArgumentException.class, () -> mbean.revoke("not-a-uuid")).getMessage());
        // UUID.fromString accepts this short form; the admin API and the protocol do not.
        assertThrows(IllegalArgumentException.class, () -> mbean.delete("1-2-3-4-5"));
        assertThrows(IllegalArgumentException.class, () -> mbean.reactivate(null));
        assertThrows(IllegalArgumentException.class, () -> mbean.reactivate(""));
        String longInput = "x".repeat(500);
        assertEquals("not an instance id: '" + "x".repeat(40) + "…'; expected a UUID such as 123e4567-e89b-12d3-a456-426614174000",
                assertThrows(IllegalArgumentException.class, () -> mbean.revoke(longInput)).getMessage());

        assertEquals(List.of(), calls);
    }

    @Test
    void aDatabaseFailureReachesTheClientAsItsSqlStateWithoutTheDriversException() {
        failure = new SQLException("Connection to localhost:5432 refused", "08001");

        IllegalStateException revoke = assertThrows(IllegalStateException.class, () -> mbean.revoke(KNOWN.toString()));
        IllegalStateException total = assertThrows(IllegalStateException.class, mbean::getTotal);

        assertEquals("revoking instance " + KNOWN + " failed on the database (SQL state 08001); the server log says more",
                revoke.getMessage());
        assertNull(revoke.getCause(), "a JMX client cannot unmarshal the driver's classes");
        assertEquals("counting instances failed on the database (SQL state 08001); the server log says more", total.getMessage());
    }
}
