package io.shm.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The first account: when there is none, {@code admin} with {@code SHM_ADMIN_PASSWORD}, or with a
 * generated password printed once in the log (and never again: change it on the Applications page).
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class AdminAccountBootstrap {

    static final String USERNAME = "admin";
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    @Inject
    @ConfigProperty(name = "shm.admin.password")
    Optional<String> password;

    @Inject
    Accounts accounts;

    @Inject
    Logger log;

    @PostConstruct
    void ensureFirstAccount() {
        try {
            if (accounts.count() > 0) {
                return;
            }
            boolean generated = password.isEmpty() || password.get().isBlank();
            String secret = generated ? generate() : password.get();
            try {
                accounts.create(USERNAME, secret);
            } catch (IllegalArgumentException e) {
                if (e.getMessage().contains("taken")) {
                    return; // another node made it first
                }
                log.severe(() -> "SHM_ADMIN_PASSWORD is not usable (" + e.getMessage() + "); no account was created");
                return;
            }
            if (generated) {
                log.warning(() -> "\n\n    Dashboard login: user 'admin', password '" + secret + "'\n"
                        + "    Shown once: change it on the Applications page, or set SHM_ADMIN_PASSWORD before the first start.\n");
            } else {
                log.info("Dashboard account 'admin' created from SHM_ADMIN_PASSWORD");
            }
        } catch (SQLException e) {
            log.severe(() -> "Could not check for a first dashboard account (SQL state " + e.getSQLState() + ")");
        }
    }

    static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            secret.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }
}
