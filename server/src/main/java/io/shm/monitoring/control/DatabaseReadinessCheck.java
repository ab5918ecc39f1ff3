package io.shm.monitoring.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.SchemaMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when PostgreSQL answers a round-trip and this deployment has applied the migrations. The
 * answer names the pool in use ({@code SHM_DB_JNDI}, by default the WAR's own).
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 5;

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
            statement.execute("SELECT 1");
            return response.status(migration.isApplied()).build();
        } catch (SQLException e) {
            // The SQL state says enough; a message could carry host names or credentials.
            return response.down().withData("sqlState", String.valueOf(e.getSQLState())).build();
        }
    }
}
