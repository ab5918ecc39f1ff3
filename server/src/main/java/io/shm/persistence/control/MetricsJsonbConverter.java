package io.shm.persistence.control;

import io.shm.persistence.entity.Metrics;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.sql.SQLException;
import org.postgresql.util.PGobject;

/**
 * Maps {@link Metrics} to a PostgreSQL {@code jsonb} column. EclipseLink binds a Java String as
 * varchar, which PostgreSQL refuses for jsonb, so the value travels as a typed {@link PGobject}.
 * The driver ships in the WAR and the datasource is defined by the application, so both see the
 * same PGobject class.
 */
@Converter
public class MetricsJsonbConverter implements AttributeConverter<Metrics, Object> {

    @Override
    public Object convertToDatabaseColumn(Metrics metrics) {
        if (metrics == null) {
            return null;
        }
        var jsonb = new PGobject();
        jsonb.setType("jsonb");
        try {
            jsonb.setValue(metrics.toJson());
        } catch (SQLException impossible) {
            throw new IllegalStateException(impossible);
        }
        return jsonb;
    }

    @Override
    public Metrics convertToEntityAttribute(Object column) {
        if (column == null) {
            return null;
        }
        String json = column instanceof PGobject pg ? pg.getValue() : column.toString();
        return json == null ? null : Metrics.parse(json);
    }
}
