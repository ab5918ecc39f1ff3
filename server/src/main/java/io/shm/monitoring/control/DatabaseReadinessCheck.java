package io.shm.monitoring.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.SchemaMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when PostgreSQL answers a round-trip, this deployment has applied the migrations, and
 * tomorrow (UTC, by the database's clock) has its snapshot partition. Without it, snapshots still
 * land in the default partition, but the job that keeps partitions two weeks ahead has failed for
 * about two weeks: the answer says so ({@code tomorrowsPartition: false}), before it costs anything.
 * The answer names the pool in use ({@code SHM_DB_JNDI}, by default the WAR's own).
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 5;

    static final String TOMORROW_PARTITIONED =
            "SELECT shm_snapshot_day_partitioned(((now() AT TIME ZONE 'UTC')::date + 1))";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    SchemaMigration migration;

    @Inject
    @ConfigProperty(name = "shm.db.jndi", defaultValue = Jdbc.OWN_POOL)
    String pool;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database")
                .withData("pool", pool)
                .withData("migrations", migration.isApplied());
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            boolean partitioned = false;
            if (migration.isApplied()) {
                try (ResultSet row = statement.executeQuery(TOMORROW_PARTITIONED)) {
                    row.next();
                    partitioned = row.getBoolean(1);
                }
                response.withData("tomorrowsPartition", partitioned);
            } else {
                statement.execute("SELECT 1");
            }
            return response.status(migration.isApplied() && partitioned).build();
        } catch (SQLException e) {
            // The SQL state says enough; a message could carry host names or credentials.
            return response.down().withData("sqlState", String.valueOf(e.getSQLState())).build();
        }
    }
}
