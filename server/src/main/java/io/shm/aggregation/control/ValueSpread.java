package io.shm.aggregation.control;

import io.shm.aggregation.entity.NumberCount;
import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The distinct current values of a numeric key when they are few: a spread of three values, or of one,
 * is a bar per value, labelled with it, where equal-width bins would draw empty bars between them.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ValueSpread {

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    /** The active instances per current value, lowest first, when there are at most {@code limit} values. */
    public Optional<List<NumberCount>> fewValues(long applicationId, String key, int limit) throws SQLException {
        String sql = "SELECT CAST(i.metrics -> ? AS numeric) AS v, count(*) FROM instance i WHERE " + ActiveWindow.ACTIVE
                + " AND i.application_id = ? AND jsonb_typeof(i.metrics -> ?) = 'number' GROUP BY v ORDER BY v LIMIT ?";
        List<NumberCount> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            statement.setObject(2, window.activeSince().atOffset(ZoneOffset.UTC));
            statement.setLong(3, applicationId);
            statement.setString(4, key);
            statement.setInt(5, limit + 1);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    values.add(new NumberCount(row.getBigDecimal(1).stripTrailingZeros(), row.getLong(2)));
                }
            }
        }
        return values.isEmpty() || values.size() > limit ? Optional.empty() : Optional.of(values);
    }
}
