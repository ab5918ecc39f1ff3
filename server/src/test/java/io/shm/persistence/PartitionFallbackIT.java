package io.shm.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.ingest.IngestClients;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.TestDatabase;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A day whose snapshot partition is missing does not stop ingest: its snapshots land in the default
 * partition, the maintenance job moves them into a partition it makes for them, and readiness says
 * when tomorrow has no partition. The partitions the tests take away are set aside and their rows put
 * back afterwards, so that the other tests' data stays.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PartitionFallbackIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void aSnapshotForADayWithoutPartitionIsStoredAndTheMaintenanceJobGivesItOne() throws Exception {
        ShmClient client = IngestClients.activeClient(base, "Partition Fallback App", "1.0.0");
        AdminClient admin = AdminClient.withTestToken(base);
        String today = partitionName(0);
        String instance = client.identity().instanceId().toString();
        setAside(today);
        try {
            ShmResponse accepted = client.snapshot(Instant.now().minusSeconds(1), IngestClients.metrics("users_count", 42));

            assertEquals(202, accepted.status(), accepted.body());
            assertEquals(1, count("SELECT count(*) FROM snapshot_default s JOIN instance i ON i.id = s.instance_id"
                    + " WHERE i.instance_id = CAST(? AS uuid)", instance), "stored in the default partition");
            assertEquals(42, latestUsersCount(admin, instance), "readable through the admin API at once");

            JsonObject run = (JsonObject) AdminClient.ok(admin.post("/api/v1/admin/maintenance/partitions", null));

            assertTrue(run.getJsonNumber("rows_moved").longValue() >= 1, run.toString());
            assertEquals(0, count("SELECT count(*) FROM snapshot_default"), "the default partition is drained");
            assertEquals(1, count("SELECT count(*) FROM " + today + " s JOIN instance i ON i.id = s.instance_id"
                    + " WHERE i.instance_id = CAST(? AS uuid)", instance), "the snapshot is in today's new partition");
            assertEquals(42, latestUsersCount(admin, instance));
            ShmResponse next = client.snapshot(Instant.now(), IngestClients.metrics("users_count", 43));
            assertEquals(202, next.status(), next.body());
            assertEquals(0, count("SELECT count(*) FROM snapshot_default"), "the next snapshot goes to the new partition");
        } finally {
            putBack(today);
        }
    }

    @Test
    void readinessIsDownWithoutTomorrowsPartitionAndUpAfterMaintenance() throws Exception {
        String tomorrow = partitionName(1);
        setAside(tomorrow);
        try {
            HttpResponse<String> down = Http.get(base, "health/ready");

            assertEquals(503, down.statusCode(), down.body());
            assertEquals("false", tomorrowsPartition(down.body()), down.body());

            JsonObject run = (JsonObject) AdminClient.ok(AdminClient.withTestToken(base)
                    .post("/api/v1/admin/maintenance/partitions", null));
            assertEquals(1, run.getInt("partitions_created"), run.toString());

            HttpResponse<String> up = Http.get(base, "health/ready");
            assertEquals(200, up.statusCode(), up.body());
            assertEquals("true", tomorrowsPartition(up.body()), up.body());
        } finally {
            putBack(tomorrow);
        }
    }

    /** The readiness check's datum, as MicroProfile Health writes it (a string or a boolean). */
    private static String tomorrowsPartition(String health) {
        JsonObject database = ((JsonObject) AdminClient.parse(health)).getJsonArray("checks").getJsonObject(0);
        return database.getJsonObject("data").get("tomorrowsPartition").toString().replace("\"", "");
    }

    private static int latestUsersCount(AdminClient admin, String instance) {
        return admin.object("/api/v1/admin/instances/" + instance + "/snapshots").getJsonArray("snapshots")
                .getJsonObject(0).getJsonObject("metrics").getInt("users_count");
    }

    /** The daily partition {@code days} from today, by the database's clock (as the server names them). */
    private static String partitionName(int days) throws SQLException {
        try (Connection connection = TestDatabase.get().dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT 'snapshot_d' || to_char((now() AT TIME ZONE 'UTC')::date + ?, 'YYYYMMDD')")) {
            statement.setInt(1, days);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    /** Takes a partition away from snapshot, as a failed job or a hand would leave it, keeping its rows aside. */
    private static void setAside(String partition) throws SQLException {
        execute("ALTER TABLE snapshot DETACH PARTITION " + partition, "ALTER TABLE " + partition + " RENAME TO " + partition + "_aside");
    }

    /** Makes sure the partition exists again and holds the rows set aside. */
    private static void putBack(String partition) throws SQLException {
        execute("SELECT shm_ensure_snapshot_partitions(1, 14)",
                "INSERT INTO snapshot SELECT * FROM " + partition + "_aside",
                "DROP TABLE " + partition + "_aside");
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection connection = TestDatabase.get().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static long count(String sql, String... parameters) throws SQLException {
        try (Connection connection = TestDatabase.get().dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
