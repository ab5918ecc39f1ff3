package io.shm.admin.control;

import io.shm.persistence.control.SchemaMigration;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes {@code SHM_ADMIN_TOKEN}, when set, a valid admin API token: the first one, from which others are made. */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class AdminTokenBootstrap {

    static final int MIN_LENGTH = 24;

    @Inject
    @ConfigProperty(name = "shm.admin.token")
    Optional<String> token;

    @Inject
    ApiTokens tokens;

    @Inject
    Logger log;

    @PostConstruct
    void ensureConfiguredToken() {
        if (token.isEmpty() || token.get().isBlank()) {
            return;
        }
        if (token.get().length() < MIN_LENGTH) {
            log.severe(() -> "SHM_ADMIN_TOKEN is ignored: it must have at least " + MIN_LENGTH + " characters");
            return;
        }
        try {
            tokens.ensure("SHM_ADMIN_TOKEN", token.get());
        } catch (SQLException e) {
            log.severe(() -> "SHM_ADMIN_TOKEN could not be stored (SQL state " + e.getSQLState() + ")");
        }
    }
}
