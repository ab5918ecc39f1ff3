package io.shm.publicdashboard.control;

import io.shm.aggregation.control.FleetKeys;
import io.shm.application.entity.Application;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which keys an application's public page may show: business keys (never {@code sys_} or {@code app_}
 * ones, which describe instances) that the application reports. Checked wherever a maintainer chooses
 * them, the admin API and the dashboard alike.
 */
@ApplicationScoped
public class PublicKeys {

    /** Most keys one public page shows. */
    public static final int MAX = 100;
    /** The ingest's longest key. */
    static final int KEY_MAX = 128;

    @Inject
    FleetKeys catalogue;

    /** The business keys the application's active instances report now, in alphabetical order. */
    public List<String> choosable(long applicationId) throws SQLException {
        return catalogue.currentKeys(applicationId).keySet().stream().filter(Application::isBusinessKey).sorted().toList();
    }

    /**
     * Refuses keys a public page may not show.
     *
     * @throws IllegalArgumentException naming the first key refused, and why
     */
    public void check(long applicationId, List<String> keys) throws SQLException {
        if (keys.size() > MAX) {
            throw new IllegalArgumentException("public_keys: at most " + MAX + " keys");
        }
        Set<String> seen = new HashSet<>();
        for (String key : keys) {
            if (key.isEmpty() || key.codePointCount(0, key.length()) > KEY_MAX || key.indexOf('\u0000') >= 0) {
                throw new IllegalArgumentException("public_keys: a key must have 1 to " + KEY_MAX + " characters");
            }
            if (!Application.isBusinessKey(key)) {
                throw new IllegalArgumentException("public_keys: " + shown(key) + " is a system key; only business keys can be public");
            }
            if (!seen.add(key)) {
                throw new IllegalArgumentException("public_keys: " + shown(key) + " is listed twice");
            }
            if (!catalogue.mayReport(applicationId, key)) {
                throw new IllegalArgumentException("public_keys: the application has never reported " + shown(key));
            }
        }
    }

    private static String shown(String key) {
        return key.length() > 64 ? key.substring(0, 64) + "…" : key;
    }
}
