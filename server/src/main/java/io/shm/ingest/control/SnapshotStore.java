package io.shm.ingest.control;

import io.shm.instance.entity.SignedInstance;
import io.shm.persistence.control.Jdbc;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.signature.control.KeyCache;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Stores an accepted snapshot: in one statement, hence one transaction, the snapshot row; on the
 * instance its current metrics (merged: a key keeps its last reported value), last-seen and last
 * accepted timestamp; and the instance's last values in the current hour, day and week, from which
 * the rollups are computed. The update only matches when the instance is not revoked and the snapshot
 * is later than the last one accepted, so concurrent duplicates and replays cannot both succeed.
 * The statement runs in auto-commit: it is committed when {@link #store} returns, and a JTA
 * transaction around a single statement would only add work to the hot path.
 */
@ApplicationScoped
public class SnapshotStore {

    static final String STORE = """
            WITH accepted AS (
                UPDATE instance
                   SET metrics = metrics || CAST(? AS jsonb),
                       metrics_updated_at = ?,
                       last_seen = GREATEST(last_seen, ?),
                       last_snapshot_at = ?
                 WHERE id = ?
                   AND status <> 'REVOKED'
                   AND (last_snapshot_at IS NULL OR last_snapshot_at < ?)
             RETURNING id, application_id, app_version),
            stored AS (
                INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics)
                SELECT id, ?, ?, CAST(? AS jsonb) FROM accepted
             RETURNING instance_id, received_at, metrics)
            INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
            SELECT s.instance_id, w.width, date_trunc(w.unit, s.received_at, 'UTC'), a.application_id, a.app_version,
                   s.metrics, s.received_at
              FROM stored s
              JOIN accepted a ON a.id = s.instance_id
             CROSS JOIN (VALUES ('h', 'hour'), ('d', 'day'), ('w', 'week')) AS w (width, unit)
            ON CONFLICT (instance_id, width, bucket_start) DO UPDATE
               SET metrics = instance_bucket.metrics || excluded.metrics,
                   app_version = excluded.app_version,
                   updated_at = excluded.updated_at""";

    /** Rows the statement writes into instance_bucket when the snapshot is accepted: hour, day, week. */
    static final int BUCKETS = 3;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    KeyCache keys;

    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void store(SignedInstance signer, Instant receivedAt, Instant clientTimestamp, JsonObject metrics)
            throws SQLException {
        String json = metrics.toString();
        OffsetDateTime received = receivedAt.atOffset(ZoneOffset.UTC);
        OffsetDateTime client = clientTimestamp.atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            int stored;
            try (PreparedStatement statement = connection.prepareStatement(STORE)) {
                statement.setString(1, json);
                statement.setObject(2, received);
                statement.setObject(3, received);
                statement.setObject(4, client);
                statement.setLong(5, signer.rowId());
                statement.setObject(6, client);
                statement.setObject(7, received);
                statement.setObject(8, client);
                statement.setString(9, json);
                stored = statement.executeUpdate();
            }
            if (stored != BUCKETS) {
                throw refusalFor(connection, signer);
            }
        }
    }

    private RefusedException refusalFor(Connection connection, SignedInstance signer) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT status FROM instance WHERE id = ?")) {
            statement.setLong(1, signer.rowId());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    keys.evict(signer.instanceId());
                    return new RefusedException(Refusal.UNKNOWN_INSTANCE);
                }
                if ("REVOKED".equals(row.getString(1))) {
                    keys.evict(signer.instanceId());
                    return new RefusedException(Refusal.REVOKED_INSTANCE);
                }
                return new RefusedException(Refusal.REPLAYED_SNAPSHOT);
            }
        }
    }
}
