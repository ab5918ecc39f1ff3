package io.shm.monitoring.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.SchemaMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when PostgreSQL answers a round-trip and this deployment has applied the migrations. The
 * answer names the pool in use ({@code SHM_DB_JNDI}, by default the WAR's own). A probe gets its
 * answer within a second whatever the database does: the check runs on a managed thread and a
 * round-trip not done within half a second is DOWN ({@code timeout}), as a database that slow is not ready.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 1;
    private static final long ANSWER_WITHIN_MILLIS = 500;

    @Resource
    ManagedExecutorService executor;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    SchemaMigration migration;

    @Inject
    @ConfigProperty(name = "shm.db.jndi", defaultValue = Jdbc.OWN_POOL)
    String pool;

    @Override
    public HealthCheckResponse call() {
        Future<HealthCheckResponse> check = executor.submit(this::check);
        try {
            return check.get(ANSWER_WITHIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return HealthCheckResponse.named("database").withData("pool", pool)
                    .withData("migrations", migration.isApplied()).withData("timeout", true).down().build();
        } catch (ExecutionException e) {
            return HealthCheckResponse.named("database").withData("pool", pool).down().build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named("database").withData("pool", pool).down().build();
        }
    }

    private HealthCheckResponse check() {
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
