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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stores an accepted snapshot: in one statement, hence one transaction, the snapshot row; on the
 * instance its current metrics (merged: a key keeps its last reported value), last-seen and last
 * accepted timestamp; and the instance's last values in the current hour, day and week, from which
 * the rollups are computed. The update only matches when the instance is not revoked and the snapshot
 * is later than the last one accepted, so concurrent duplicates and replays cannot both succeed.
 * The statement runs in auto-commit: it is committed when {@link #store} returns, and a JTA
 * transaction around a single statement would only add work to the hot path.
 *
 * <p>The current metrics stay bounded: a key not reported within the active window leaves them, and
 * beyond {@code SHM_INGEST_MAX_METRIC_KEYS} keys the least recently reported go first
 * ({@code shm_merge_metrics}, with each key's report time in {@code metrics_seen}). A bucket row holds
 * the current values of the keys reported within its bucket, so it is bounded the same way.
 *
 * <p>The same statement settles register metadata held for the instance: when a plain activate armed
 * it ({@code pending_activated_at}) and this snapshot (later than the last accepted one, as every
 * accepted snapshot) is received within the confirmation window after that activate, the metadata
 * takes effect and the change is recorded; an armed metadata change not confirmed in time is dropped.
 */
@ApplicationScoped
public class SnapshotStore {

    static final String STORE = """
            WITH prior AS (
                SELECT app_version, deployment_mode, environment, os_arch FROM instance WHERE id = ?),
            accepted AS (
                UPDATE instance
                   SET (metrics, metrics_seen) = (
                           SELECT m.metrics, m.metrics_seen
                             FROM shm_merge_metrics(instance.metrics, instance.metrics_seen, CAST(? AS jsonb), ?,
                                  CAST(floor(1000 * extract(epoch FROM COALESCE(instance.metrics_updated_at, instance.last_seen))) AS bigint),
                                  ?, ?) m),
                       metrics_updated_at = ?,
                       last_seen = GREATEST(last_seen, ?),
                       last_snapshot_at = ?,
                       app_version = CASE WHEN %1$s THEN pending_app_version ELSE app_version END,
                       deployment_mode = CASE WHEN %1$s THEN pending_deployment_mode ELSE deployment_mode END,
                       environment = CASE WHEN %1$s THEN pending_environment ELSE environment END,
                       os_arch = CASE WHEN %1$s THEN pending_os_arch ELSE os_arch END,
                       pending_app_version = CASE WHEN pending_activated_at IS NULL THEN pending_app_version END,
                       pending_deployment_mode = CASE WHEN pending_activated_at IS NULL THEN pending_deployment_mode END,
                       pending_environment = CASE WHEN pending_activated_at IS NULL THEN pending_environment END,
                       pending_os_arch = CASE WHEN pending_activated_at IS NULL THEN pending_os_arch END,
                       pending_activated_at = NULL
                 WHERE id = ?
                   AND status <> 'REVOKED'
                   AND (last_snapshot_at IS NULL OR last_snapshot_at < ?)
             RETURNING id, application_id, app_version, deployment_mode, environment, os_arch, metrics, metrics_seen),
            changed AS (
                INSERT INTO instance_metadata_change (instance_id, changed_at, source, old_app_version, new_app_version,
                            old_deployment_mode, new_deployment_mode, old_environment, new_environment, old_os_arch, new_os_arch)
                SELECT a.id, ?, 'snapshot', p.app_version, a.app_version, p.deployment_mode, a.deployment_mode,
                       p.environment, a.environment, p.os_arch, a.os_arch
                  FROM accepted a CROSS JOIN prior p
                 WHERE (p.app_version, p.deployment_mode, p.environment, p.os_arch)
                       IS DISTINCT FROM (a.app_version, a.deployment_mode, a.environment, a.os_arch)),
            stored AS (
                INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics)
                SELECT id, ?, ?, CAST(? AS jsonb) FROM accepted
             RETURNING instance_id, received_at)
            INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
            SELECT s.instance_id, w.width, b.bucket_start, a.application_id, a.app_version,
                   COALESCE((SELECT jsonb_object_agg(kv.key, kv.value) FROM jsonb_each(a.metrics) kv
                              WHERE CAST(a.metrics_seen ->> kv.key AS bigint) >= 1000 * extract(epoch FROM b.bucket_start)),
                            '{}'::jsonb),
                   s.received_at
              FROM stored s
              JOIN accepted a ON a.id = s.instance_id
             CROSS JOIN (VALUES ('h', 'hour'), ('d', 'day'), ('w', 'week')) AS w (width, unit)
             CROSS JOIN LATERAL (SELECT date_trunc(w.unit, s.received_at, 'UTC') AS bucket_start) b
            ON CONFLICT (instance_id, width, bucket_start) DO UPDATE
               SET metrics = excluded.metrics,
                   app_version = excluded.app_version,
                   updated_at = excluded.updated_at""".formatted("""
            (pending_activated_at IS NOT NULL AND pending_app_version IS NOT NULL
                                       AND pending_activated_at >= ?)""");

    /** Rows the statement writes into instance_bucket when the snapshot is accepted: hour, day, week. */
    static final int BUCKETS = 3;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    KeyCache keys;

    @Inject
    @ConfigProperty(name = "shm.ingest.max-metric-keys", defaultValue = "500")
    int maxKeys;

    @Inject
    @ConfigProperty(name = "shm.active-days", defaultValue = "30")
    int activeDays;

    @Inject
    @ConfigProperty(name = "shm.activate.confirm-seconds", defaultValue = "120")
    long confirmSeconds;

    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void store(SignedInstance signer, Instant receivedAt, Instant clientTimestamp, JsonObject metrics)
            throws SQLException {
        store(signer, receivedAt, clientTimestamp, metrics.toString());
    }

    /** As {@link #store(SignedInstance, Instant, Instant, JsonObject)}, the metrics already serialized. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void store(SignedInstance signer, Instant receivedAt, Instant clientTimestamp, String metricsJson)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            int stored;
            try (PreparedStatement statement = connection.prepareStatement(STORE)) {
                bind(statement, signer.rowId(), receivedAt, clientTimestamp, metricsJson, settings());
                stored = statement.executeUpdate();
            }
            if (stored != BUCKETS) {
                throw refusalFor(connection, signer);
            }
        }
    }

    /** What bounds a stored snapshot's effects: the configuration, as {@link #bind} needs it. */
    public record Settings(int maxKeys, int activeDays, long confirmSeconds) {

        /** The configuration's defaults. */
        public static final Settings DEFAULTS = new Settings(500, 30, 120);
    }

    /** Binds {@link #STORE}'s parameters: in one place for the server and for the benchmarks that run it over JDBC. */
    public static void bind(PreparedStatement statement, long rowId, Instant receivedAt, Instant clientTimestamp,
                            String metricsJson, Settings settings) throws SQLException {
        OffsetDateTime received = receivedAt.atOffset(ZoneOffset.UTC);
        OffsetDateTime client = clientTimestamp.atOffset(ZoneOffset.UTC);
        // Armed by an activate received at most confirmSeconds before this snapshot.
        OffsetDateTime armedAfter = receivedAt.minusSeconds(settings.confirmSeconds()).atOffset(ZoneOffset.UTC);
        int p = 1;
        statement.setLong(p++, rowId);
        statement.setString(p++, metricsJson);
        statement.setLong(p++, receivedAt.toEpochMilli());
        statement.setLong(p++, receivedAt.minus(Duration.ofDays(settings.activeDays())).toEpochMilli());
        statement.setInt(p++, settings.maxKeys());
        statement.setObject(p++, received);
        statement.setObject(p++, received);
        statement.setObject(p++, client);
        for (int field = 0; field < 4; field++) {
            statement.setObject(p++, armedAfter);
        }
        statement.setLong(p++, rowId);
        statement.setObject(p++, client);
        statement.setObject(p++, received);
        statement.setObject(p++, received);
        statement.setObject(p++, client);
        statement.setString(p, metricsJson);
    }

    /** The configuration that bounds what {@link #STORE} writes. */
    Settings settings() {
        return new Settings(maxKeys, activeDays, confirmSeconds);
    }

    /** Why {@link #STORE} stored nothing for this signer: unknown or revoked (evicted from the key cache), else a replay. */
    RefusedException refusalFor(Connection connection, SignedInstance signer) throws SQLException {
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
