package io.shm.aggregation.control;

import static io.shm.aggregation.control.FleetSql.utc;

import io.shm.aggregation.entity.InstanceCounts;
import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * How many instances there are, by status, activity and age, from the instance rows. An
 * {@code applicationId} of {@code null} means every application.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetCounts {

    private static final long ALL = -1;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    public InstanceCounts counts(Long applicationId) throws SQLException {
        return counts(applicationId == null ? " TRUE " : " i.application_id = ? ", applicationId).get(ALL);
    }

    /** The counts of every application that has instances, by application id, in one pass. */
    public Map<Long, InstanceCounts> countsByApplication() throws SQLException {
        return counts(null, null);
    }

    /**
     * Counts of the instances that {@code where} selects, under {@link #ALL} (an aggregate without
     * grouping always has its one row), or of every application by id when {@code where} is null.
     */
    private Map<Long, InstanceCounts> counts(String where, Long applicationId) throws SQLException {
        Instant now = window.now();
        Instant since = window.activeSince();
        String sql = "SELECT " + (where == null ? "application_id" : ALL) + """
                       , count(*),
                       count(*) FILTER (WHERE\s""" + ActiveWindow.ACTIVE + """
                       ),
                       count(*) FILTER (WHERE status = 'PENDING'),
                       count(*) FILTER (WHERE status = 'REVOKED'),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND first_seen >= ?),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND first_seen >= ?),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND last_seen < ? AND last_seen >= ?),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND last_seen < ? AND last_seen >= ?)
                  FROM instance i""" + (where == null ? " GROUP BY application_id" : " WHERE " + where);
        Map<Long, InstanceCounts> counts = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            statement.setObject(p++, utc(since));
            statement.setObject(p++, utc(now.minus(Duration.ofDays(7))));
            statement.setObject(p++, utc(now.minus(Duration.ofDays(30))));
            statement.setObject(p++, utc(since));
            statement.setObject(p++, utc(since.minus(Duration.ofDays(7))));
            statement.setObject(p++, utc(since));
            statement.setObject(p++, utc(since.minus(Duration.ofDays(30))));
            if (applicationId != null) {
                statement.setLong(p, applicationId);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    counts.put(row.getLong(1), new InstanceCounts(row.getLong(2), row.getLong(3), row.getLong(4),
                            row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9)));
                }
            }
        }
        return counts;
    }

    /** How many instances of the application are active. */
    public long activeInstances(long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT count(*) FROM instance i WHERE " + ActiveWindow.ACTIVE + " AND i.application_id = ?")) {
            statement.setObject(1, utc(window.activeSince()));
            statement.setLong(2, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** How many instances are active in each application, by slug; an application with none at 0. */
    public Map<String, Long> activeInstancesBySlug() throws SQLException {
        String sql = "SELECT a.slug, count(i.id) FROM application a LEFT JOIN instance i ON i.application_id = a.id AND "
                + ActiveWindow.ACTIVE + " GROUP BY a.slug ORDER BY a.slug";
        Map<String, Long> active = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, utc(window.activeSince()));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    active.put(row.getString(1), row.getLong(2));
                }
            }
        }
        return active;
    }
}
