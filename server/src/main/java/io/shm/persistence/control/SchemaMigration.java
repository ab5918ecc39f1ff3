package io.shm.persistence.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Brings the database schema up to date when the application is deployed, before any other bean
 * touches the database (beans that need the schema at startup declare {@code @DependsOn}).
 * Liquibase's lock table makes two nodes starting at once take turns.
 *
 * <p>The application's own pool is defined here, its connections from MicroProfile Config ({@code SHM_DB_URL},
 * {@code SHM_DB_USER}, {@code SHM_DB_PASSWORD}, see {@link ConfiguredDataSource}); on Payara it validates
 * each connection before handing it out, so the server recovers by itself after PostgreSQL restarts. Every bean and the persistence unit
 * use it through the reference {@link Jdbc#DATASOURCE}, which {@code WEB-INF/web.xml} and
 * {@code persistence.xml} point at {@code SHM_DB_JNDI} when that names a pool of the server (such as
 * {@code jdbc/shm} from {@code server-config/jdbc-pool.asadmin}, or WildFly's from
 * {@code server-config/wildfly-datasource.cli}); the own pool then stays unused and opens no connection.
 */
@DataSourceDefinition(
        name = Jdbc.OWN_POOL,
        className = "io.shm.persistence.control.ConfiguredDataSource",
        minPoolSize = 2,
        maxPoolSize = 32,
        maxIdleTime = 300,
        properties = {
            // Payara's pool settings (WildFly ignores them, saying so once each: there, prefer the server's datasource).
            // On every checkout. Checking at most once a second would save each snapshot a round trip (about
            // a tenth of the ingest path's CPU), but hands a dead connection out again within that second after
            // PostgreSQL restarts, and the first request there (a badge, the readiness probe) would fail.
            "fish.payara.is-connection-validation-required=true",
            "fish.payara.connection-validation-method=custom-validation",
            "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
            "fish.payara.fail-all-connections=true",
            // Payara misreads an unset statement-cache-type (payara/Payara#6647); PostgreSQL's driver caches prepared statements itself.
            "fish.payara.statement-cache-size=0",
            // While PostgreSQL is down or restarting, a request fails fast (503 with Retry-After, the
            // client sends again) rather than holding its thread: no retry of a refused connection, a
            // bounded wait for a free one, and short connect and login timeouts (ConfiguredDataSource). The
            // next request after PostgreSQL is back opens a new connection.
            "fish.payara.connection-creation-retry-attempts=0",
            "fish.payara.max-wait-time-in-millis=1500",
            // The name PostgreSQL shows for these connections; WildFly also wants at least one property for the class.
            "ApplicationName=shm-server"
        })
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class SchemaMigration {

    static final String CHANGELOG = "liquibase/changelog.xml";
    /** "SHM_MIGR" as a number: the advisory lock that serializes migrations across nodes. */
    static final long ADVISORY_LOCK = 0x53484d5f4d494752L;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    Logger log;

    private volatile boolean applied;

    @PostConstruct
    void migrate() {
        try (Connection connection = dataSource.getConnection()) {
            boolean ranLiquibase = update(connection);
            applied = true;
            log.info(ranLiquibase ? "Database schema is up to date"
                    : "Database schema is up to date (the changelog is the one last applied: Liquibase not needed)");
        } catch (SQLException | LiquibaseException e) {
            throw new IllegalStateException("Database migration failed: " + e.getMessage(), e);
        }
    }

    /** True once this deployment has brought the schema up to date. */
    public boolean isApplied() {
        return applied;
    }

    /**
     * Liquibase's lock lives in a table that Liquibase itself creates, so two nodes meeting an empty
     * database race to create it. A PostgreSQL advisory lock, held by this session for the whole
     * update, makes them take turns from the very first statement.
     *
     * <p>When the database records that this very changelog (same files, same Liquibase) brought it up
     * to date, there is nothing to apply: only the change sets that run at every deployment
     * ({@link ChangelogDigest#RUN_ALWAYS}) are run, and Liquibase, about a second of every start, is
     * not. Otherwise Liquibase runs, validating and applying as always, and the digest is recorded.
     *
     * @return whether Liquibase ran
     */
    static boolean update(Connection connection) throws LiquibaseException {
        try (Statement lock = connection.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK + ")");
        } catch (SQLException e) {
            throw new LiquibaseException(e);
        }
        try {
            Optional<String> digest = ChangelogDigest.of(SchemaMigration.class.getClassLoader(), CHANGELOG);
            if (digest.isPresent() && ChangelogDigest.isRecorded(connection, digest.get())) {
                ChangelogDigest.runAlways(connection);
                return false;
            }
            runLiquibase(connection);
            if (digest.isPresent()) {
                ChangelogDigest.record(connection, digest.get());
            }
            return true;
        } catch (SQLException e) {
            throw new LiquibaseException(e);
        } finally {
            try (Statement unlock = connection.createStatement()) {
                unlock.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")");
            } catch (SQLException e) {
                // The lock ends with the session anyway; the connection goes back to the pool.
            }
        }
    }

    private static void runLiquibase(Connection connection) throws LiquibaseException {
        Database database = DatabaseFactory.getInstance()
                .findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Map<String, Object> scope = Map.of(
                Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(SchemaMigration.class.getClassLoader()),
                // No phoning home from a privacy-first server (and no network to do it on).
                "liquibase.analytics.enabled", false,
                // Its progress ("Running Changeset...") into the server's log, not straight onto standard output.
                Scope.Attr.ui.name(), new LoggerUIService());
        try {
            Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    // Its summary table too: the log, not standard output.
                    .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                    .execute());
        } catch (LiquibaseException e) {
            throw e;
        } catch (Exception e) {
            throw new LiquibaseException(e);
        }
    }
}
