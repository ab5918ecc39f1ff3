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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stores accepted snapshots, one or a batch of them in one statement, hence in one transaction when
 * alone: for each, the snapshot row; on the instance its current metrics (merged: a key keeps its last
 * reported value), last-seen and last accepted timestamp; and the instance's last values in the current
 * hour, day and week, from which the rollups are computed. The update only matches when the instance is
 * not revoked and the snapshot is later than the last one accepted, so concurrent duplicates and
 * replays cannot both succeed. A single snapshot's statement runs in auto-commit: it is committed when
 * {@link #store} returns, and a JTA transaction around a single statement would only add work to the
 * hot path.
 *
 * <p>The statement is set-based: its parameters are arrays, one element per snapshot, so that
 * PostgreSQL plans, locks and starts the statement once for a whole batch ({@link SnapshotWriter}), not
 * once per snapshot, which cost it more than the rows themselves. A statement holds at most one
 * snapshot per instance ({@link #rounds} splits a batch into as many statements as one instance has
 * snapshots in it, each seeing the ones before); it locks its instances in the order of their row ids,
 * so that two batches never wait for each other in a cycle.
 *
 * <p>The current metrics stay bounded: a key not reported within the active window leaves them, and
 * beyond {@code SHM_INGEST_MAX_METRIC_KEYS} keys the least recently reported go first
 * ({@code shm_merge_metrics}, with each key's report time in {@code metrics_seen}). A bucket row holds
 * the current values of the keys reported within its bucket, so it is bounded the same way. When the
 * current metrics are exactly the snapshot's (every current key reported now, the usual case), that is
 * all of them, in every bucket: the statement skips looking up each key's report time, which was a
 * quarter of its cost.
 *
 * <p>The same statement settles register metadata held for the instance: when a plain activate armed
 * it ({@code pending_activated_at}) and this snapshot (later than the last accepted one, as every
 * accepted snapshot) is received within the confirmation window after that activate, the metadata
 * takes effect and the change is recorded; an armed metadata change not confirmed in time is dropped.
 */
@ApplicationScoped
public class SnapshotStore {

    /**
     * Parameters: the confirmation window in seconds, the active window in milliseconds, the maximum
     * number of current keys; then, one element per snapshot, the instances' row ids, the metrics (JSON
     * text), the receipt times and the client timestamps (ISO-8601 text). Returns the row ids of the
     * instances whose snapshot was stored.
     */
    static final String STORE = """
            WITH input AS MATERIALIZED (
                SELECT i.id, CAST(i.metrics AS jsonb) AS metrics, i.received_at, i.client_timestamp,
                       i.received_at - CAST(? AS bigint) * interval '1 second' AS armed_after,
                       CAST(floor(1000 * extract(epoch FROM i.received_at)) AS bigint) AS received_ms,
                       CAST(floor(1000 * extract(epoch FROM i.received_at)) AS bigint) - CAST(? AS bigint) AS oldest_ms,
                       CAST(? AS integer) AS max_keys,
                       instance.app_version, instance.deployment_mode, instance.environment, instance.os_arch
                  FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))
                       AS i (id, metrics, received_at, client_timestamp)
                  JOIN instance ON instance.id = i.id
                 ORDER BY i.id
                   FOR NO KEY UPDATE OF instance),
            accepted AS (
                UPDATE instance
                   SET (metrics, metrics_seen) = (
                           SELECT m.metrics, m.metrics_seen
                             FROM shm_merge_metrics(instance.metrics, instance.metrics_seen, input.metrics, input.received_ms,
                                  CAST(floor(1000 * extract(epoch FROM COALESCE(instance.metrics_updated_at, instance.last_seen))) AS bigint),
                                  input.oldest_ms, input.max_keys) m),
                       metrics_updated_at = input.received_at,
                       last_seen = GREATEST(instance.last_seen, input.received_at),
                       last_snapshot_at = input.client_timestamp,
                       app_version = CASE WHEN %1$s THEN instance.pending_app_version ELSE instance.app_version END,
                       deployment_mode = CASE WHEN %1$s THEN instance.pending_deployment_mode ELSE instance.deployment_mode END,
                       environment = CASE WHEN %1$s THEN instance.pending_environment ELSE instance.environment END,
                       os_arch = CASE WHEN %1$s THEN instance.pending_os_arch ELSE instance.os_arch END,
                       pending_app_version = CASE WHEN instance.pending_activated_at IS NULL THEN instance.pending_app_version END,
                       pending_deployment_mode = CASE WHEN instance.pending_activated_at IS NULL THEN instance.pending_deployment_mode END,
                       pending_environment = CASE WHEN instance.pending_activated_at IS NULL THEN instance.pending_environment END,
                       pending_os_arch = CASE WHEN instance.pending_activated_at IS NULL THEN instance.pending_os_arch END,
                       pending_activated_at = NULL
                  FROM input
                 WHERE instance.id = input.id
                   AND instance.status <> 'REVOKED'
                   AND (instance.last_snapshot_at IS NULL OR instance.last_snapshot_at < input.client_timestamp)
             RETURNING instance.id, instance.application_id, instance.app_version, instance.deployment_mode,
                       instance.environment, instance.os_arch, instance.metrics, instance.metrics_seen,
                       instance.metrics = input.metrics AS all_reported_now),
            changed AS (
                INSERT INTO instance_metadata_change (instance_id, changed_at, source, old_app_version, new_app_version,
                            old_deployment_mode, new_deployment_mode, old_environment, new_environment, old_os_arch, new_os_arch)
                SELECT a.id, p.received_at, 'snapshot', p.app_version, a.app_version, p.deployment_mode, a.deployment_mode,
                       p.environment, a.environment, p.os_arch, a.os_arch
                  FROM accepted a JOIN input p ON p.id = a.id
                 WHERE (p.app_version, p.deployment_mode, p.environment, p.os_arch)
                       IS DISTINCT FROM (a.app_version, a.deployment_mode, a.environment, a.os_arch)),
            stored AS (
                INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics)
                SELECT a.id, i.received_at, i.client_timestamp, i.metrics FROM accepted a JOIN input i ON i.id = a.id
             RETURNING instance_id, received_at),
            buckets AS (
                INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
                SELECT s.instance_id, w.width, b.bucket_start, a.application_id, a.app_version,
                       CASE WHEN a.all_reported_now THEN a.metrics
                            ELSE COALESCE((SELECT jsonb_object_agg(kv.key, kv.value) FROM jsonb_each(a.metrics) kv
                                            WHERE CAST(a.metrics_seen ->> kv.key AS bigint) >= 1000 * extract(epoch FROM b.bucket_start)),
                                          '{}'::jsonb) END,
                       s.received_at
                  FROM stored s
                  JOIN accepted a ON a.id = s.instance_id
                 CROSS JOIN (VALUES ('h', 'hour'), ('d', 'day'), ('w', 'week')) AS w (width, unit)
                 CROSS JOIN LATERAL (SELECT date_trunc(w.unit, s.received_at, 'UTC') AS bucket_start) b
                ON CONFLICT (instance_id, width, bucket_start) DO UPDATE
                   SET metrics = excluded.metrics,
                       app_version = excluded.app_version,
                       updated_at = excluded.updated_at)
            SELECT instance_id FROM stored""".formatted("""
            (instance.pending_activated_at IS NOT NULL AND instance.pending_app_version IS NOT NULL
                                       AND instance.pending_activated_at >= input.armed_after)""");

    /** A snapshot to store: its instance's row id, when it was received, its timestamp, its metrics as JSON. */
    public record Row(long rowId, Instant receivedAt, Instant clientTimestamp, String metricsJson) {
    }

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
            Row row = new Row(signer.rowId(), receivedAt, clientTimestamp, metricsJson);
            if (execute(connection, List.of(row), settings()).isEmpty()) {
                throw refusalFor(connection, signer);
            }
        }
    }

    /** What bounds a stored snapshot's effects: the configuration, as {@link #bind} needs it. */
    public record Settings(int maxKeys, int activeDays, long confirmSeconds) {

        /** The configuration's defaults. */
        public static final Settings DEFAULTS = new Settings(500, 30, 120);
    }

    /**
     * Runs {@link #STORE} for these snapshots, at most one per instance (see {@link #rounds}), on the
     * caller's connection and in its transaction, if any.
     *
     * @return the row ids of the instances whose snapshot was stored; the others were not later than the
     *         instance's last accepted one, or their instance is revoked or unknown
     */
    static Set<Long> execute(Connection connection, List<Row> rows, Settings settings) throws SQLException {
        Set<Long> stored = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(STORE)) {
            bind(statement, rows, settings);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    stored.add(result.getLong(1));
                }
            }
        }
        return stored;
    }

    /** Binds {@link #STORE}'s parameters: in one place for the server and for the benchmarks that run it over JDBC. */
    static void bind(PreparedStatement statement, List<Row> rows, Settings settings) throws SQLException {
        Connection connection = statement.getConnection();
        Long[] ids = new Long[rows.size()];
        String[] metrics = new String[rows.size()];
        String[] received = new String[rows.size()];
        String[] clientTimestamps = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            ids[i] = row.rowId();
            metrics[i] = row.metricsJson();
            // ISO-8601 in UTC: the same instant whatever the session's time zone.
            received[i] = row.receivedAt().toString();
            clientTimestamps[i] = row.clientTimestamp().toString();
        }
        int p = 1;
        statement.setLong(p++, settings.confirmSeconds());
        statement.setLong(p++, Duration.ofDays(settings.activeDays()).toMillis());
        statement.setInt(p++, settings.maxKeys());
        statement.setArray(p++, connection.createArrayOf("int8", ids));
        statement.setArray(p++, connection.createArrayOf("text", metrics));
        statement.setArray(p++, connection.createArrayOf("text", received));
        statement.setArray(p, connection.createArrayOf("text", clientTimestamps));
    }

    /**
     * Splits snapshots, in the order they arrived, into statements that each hold at most one snapshot
     * per instance: the first of each instance's snapshots in the first, its second in the second, and so
     * on, so that each sees the ones before it as a later request sees an earlier one. Each statement's
     * snapshots are in the order of their instances' row ids.
     *
     * @param rowId the instance's row id of an item
     */
    static <T> List<List<T>> rounds(List<T> arrived, ToLongFunction<T> rowId) {
        List<T> sorted = new ArrayList<>(arrived);
        // Stable: the snapshots of one instance keep their order of arrival.
        sorted.sort(Comparator.comparingLong(rowId));
        List<List<T>> rounds = new ArrayList<>();
        int round = 0;
        for (int i = 0; i < sorted.size(); i++) {
            round = i > 0 && rowId.applyAsLong(sorted.get(i)) == rowId.applyAsLong(sorted.get(i - 1)) ? round + 1 : 0;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(sorted.get(i));
        }
        return rounds;
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
