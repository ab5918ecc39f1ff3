package io.shm.persistence.control;

import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The connections of the WAR's own pool ({@link Jdbc#OWN_POOL}): PostgreSQL's data source,
 * pointed at {@code shm.db.url}, {@code shm.db.user} and {@code shm.db.password} (MicroProfile Config,
 * so {@code SHM_DB_*} in the environment) when the server's pool first asks it for a connection. The
 * datasource definition then holds no placeholder for the server to expand (Payara expands
 * {@code ${MPCONFIG=...}}, WildFly only {@code ${env.X}}, and only when told to), and the password
 * passes through no server configuration or log.
 */
public class ConfiguredDataSource extends PGSimpleDataSource {

    private static final long serialVersionUID = 1L;

    private volatile boolean configured;

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        configure();
        return super.getConnection(user == null || user.isEmpty() ? getUser() : user,
                password == null || password.isEmpty() ? getPassword() : password);
    }

    private synchronized void configure() {
        if (configured) {
            return;
        }
        Config config = ConfigProvider.getConfig(ConfiguredDataSource.class.getClassLoader());
        setURL(config.getValue("shm.db.url", String.class));
        setUser(config.getValue("shm.db.user", String.class));
        setPassword(config.getOptionalValue("shm.db.password", String.class).orElse(null));
        // Here rather than as properties of the definition: WildFly sets only String properties.
        // A short connect timeout: while PostgreSQL is down or restarting a request fails fast (503 with
        // Retry-After) instead of holding its thread; a refused connection or one to a starting server
        // fails at once anyway. The login gets longer: on a loaded machine a new backend can take more
        // than a second to start and authenticate, and the pool's first connections at deployment
        // would then fail the deployment.
        setConnectTimeout(1);
        setLoginTimeout(5);
        setSocketTimeout(60);
        configured = true;
    }
}
