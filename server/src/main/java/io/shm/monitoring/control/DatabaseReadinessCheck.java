package io.shm.monitoring.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.SchemaMigration;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.naming.InitialContext;
import javax.naming.NamingException;
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
 * The answer names the pool in use ({@code SHM_DB_JNDI}, by default the WAR's own). A probe gets its
 * answer within a second whatever the database does: the check runs on a managed thread and a
 * round-trip not done within half a second is DOWN ({@code timeout}), as a database that slow is not ready.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 1;
    private static final long ANSWER_WITHIN_MILLIS = 500;

    ManagedExecutorService executor;

    static final String TOMORROW_PARTITIONED =
            "SELECT shm_snapshot_day_partitioned(((now() AT TIME ZONE 'UTC')::date + 1))";

    DataSource dataSource;

    @Inject
    SchemaMigration migration;

    @Inject
    @ConfigProperty(name = "shm.db.jndi", defaultValue = Jdbc.OWN_POOL)
    String pool;

    /**
     * Both looked up rather than injected with {@code @Resource}: WildFly loads every class that asks for a
     * resource, and this one cannot be loaded where the server has no MicroProfile Health (beans.xml
     * leaves it out of CDI there).
     */
    @PostConstruct
    void lookUp() {
        lookedUp();
    }

    /**
     * Payara's health endpoint calls the check while the WAR still deploys, before its names are bound:
     * that probe gets DOWN ({@code deploying}) rather than an exception and its stack trace in the log,
     * and a later probe looks the names up again.
     */
    private synchronized boolean lookedUp() {
        if (dataSource == null || executor == null) {
            try {
                dataSource = InitialContext.doLookup(Jdbc.DATASOURCE);
                executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
            } catch (NamingException notYetBound) {
                return false;
            }
        }
        return true;
    }

    /**
     * Created with the deployment: WildFly calls health checks on a management thread, where the
     * application's {@code java:app} names, and so the datasource, cannot be found.
     */
    void deployed(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        // the observer's bean is created, and its datasource looked up, before this is called
    }

    @Override
    public HealthCheckResponse call() {
        if (!lookedUp()) {
            return HealthCheckResponse.named("database").withData("pool", pool).withData("deploying", true).down().build();
        }
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
