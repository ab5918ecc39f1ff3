package io.shm.application.control;

import io.shm.application.entity.Application;
import io.shm.application.entity.ApplicationRef;
import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Which application a path or a parameter names, the one rule for every reader (admin API, badges,
 * dashboard, instance filters): its slug; else the application of that name, as the original server
 * and its SDKs name it; else the application whose slug is the slug of that name (so {@code My App}
 * finds {@code my-app} however it was first spelt). An exact slug wins over a name, a name over a
 * derived slug.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ApplicationDirectory {

    /**
     * SQL: the id of the application that a slug or name names, or none; binds {@link #parameters}.
     * Usable as a scalar subquery ({@code i.application_id = (...)}).
     */
    public static final String ID_NAMED = "SELECT n.id FROM application n WHERE n.slug = ? OR n.name = ? OR n.slug = ?"
            + " ORDER BY (n.slug = ?) DESC, (n.name = ?) DESC, n.id LIMIT 1";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    /** The values {@link #ID_NAMED} binds, in order, for a slug or name. */
    public static List<Object> parameters(String slugOrName) {
        String derived = Application.slugOf(slugOrName);
        return List.of(slugOrName, slugOrName, derived, slugOrName, slugOrName);
    }

    /** The application a slug or name names; none for text no application can be named by (blank, or with a NUL). */
    public Optional<ApplicationRef> find(String slugOrName) throws SQLException {
        if (slugOrName == null || slugOrName.isBlank() || slugOrName.indexOf('\u0000') >= 0) {
            return Optional.empty();
        }
        return refs("SELECT id, slug, name FROM application WHERE id = (" + ID_NAMED + ")", parameters(slugOrName))
                .stream().findFirst();
    }

    /** Every application, by name. */
    public List<ApplicationRef> all() throws SQLException {
        return refs("SELECT id, slug, name FROM application ORDER BY name, id", List.of());
    }

    private List<ApplicationRef> refs(String sql, List<Object> parameters) throws SQLException {
        List<ApplicationRef> applications = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    applications.add(new ApplicationRef(row.getLong(1), row.getString(2), row.getString(3)));
                }
            }
        }
        return applications;
    }
}
