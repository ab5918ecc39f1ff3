package io.shm.instance.control;

import io.shm.aggregation.control.Rollups;
import io.shm.instance.entity.InstanceChanged;
import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What an operator does to an instance: revoke it (its key is refused from then on), reactivate it, or
 * delete it with every row that is its own. The rollup buckets it contributed to are marked for the
 * next rollup run, so fleet history stops counting it.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.NOT_SUPPORTED)
public class InstanceAdmin {

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    Event<InstanceChanged> changed;

    @Inject
    Logger log;

    /** @return whether the instance exists (revoking a revoked instance changes nothing and is fine) */
    public boolean revoke(UUID instanceId) throws SQLException {
        boolean found = setStatus(instanceId, "REVOKED", "status <> 'REVOKED'");
        changed.fire(new InstanceChanged(instanceId));
        if (found) {
            log.info(() -> "Instance " + instanceId + " revoked");
        }
        return found;
    }

    /** Lifts a revocation: the instance is active again (its key and history are unchanged). */
    public boolean reactivate(UUID instanceId) throws SQLException {
        boolean found = setStatus(instanceId, "ACTIVE", "status = 'REVOKED'");
        changed.fire(new InstanceChanged(instanceId));
        return found;
    }

    /** Deletes the instance, its snapshots and its per-bucket values. */
    public boolean delete(UUID instanceId) throws SQLException {
        boolean found = onInstance(instanceId, (connection, row) -> {
            Rollups.markInstanceBuckets(connection, row);
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM instance WHERE id = ?")) {
                statement.setLong(1, row);
                statement.executeUpdate();
            }
        });
        changed.fire(new InstanceChanged(instanceId));
        if (found) {
            log.info(() -> "Instance " + instanceId + " deleted with its snapshots");
        }
        return found;
    }

    private boolean setStatus(UUID instanceId, String status, String when) throws SQLException {
        return onInstance(instanceId, (connection, row) -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE instance SET status = ? WHERE id = ? AND " + when)) {
                statement.setString(1, status);
                statement.setLong(2, row);
                if (statement.executeUpdate() == 1) {
                    Rollups.markInstanceBuckets(connection, row);
                }
            }
        });
    }

    private interface InstanceWork {
        void run(Connection connection, long rowId) throws SQLException;
    }

    /** Runs the work on the instance's row, locked, in one transaction; false when there is no such instance. */
    private boolean onInstance(UUID instanceId, InstanceWork work) throws SQLException {
        return Jdbc.inTransaction(dataSource, connection -> {
            OptionalLong row = rowId(connection, instanceId);
            if (row.isPresent()) {
                work.run(connection, row.getAsLong());
            }
            return row.isPresent();
        });
    }

    private static OptionalLong rowId(Connection connection, UUID instanceId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id FROM instance WHERE instance_id = ? FOR UPDATE")) {
            statement.setObject(1, instanceId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
