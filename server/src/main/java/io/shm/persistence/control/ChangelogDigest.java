package io.shm.persistence.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liquibase.util.LiquibaseUtil;

/**
 * What says that a database already has everything a changelog would apply: a SHA-256 over the
 * changelog, each file it includes (name and bytes, in order) and Liquibase's version, recorded in
 * {@code schema_digest} once Liquibase has brought the database up to date with it. As applied change
 * sets are never edited, an equal digest means Liquibase would find nothing to apply and no checksum to
 * refuse.
 */
final class ChangelogDigest {

    /**
     * The SQL of the change sets marked {@code runAlways}, in the changelog's order: what every deployment
     * runs, Liquibase or not. {@code ChangelogDigestTest} compares this list with the changelog files.
     */
    static final List<String> RUN_ALWAYS = List.of(
            "SELECT shm_ensure_snapshot_partitions(1, 3)",
            "SELECT shm_ensure_snapshot_partitions(1, 14)");

    private static final Pattern INCLUDE = Pattern.compile("<include\\s+file=\"([^\"]+)\"\\s+relativeToChangelogFile=\"true\"\\s*/>");

    private ChangelogDigest() {
    }

    /**
     * The changelog's digest; empty when it includes files in a form not read here (includeAll, paths
     * not relative to the changelog) or a file is missing, and Liquibase must then always run.
     */
    static Optional<String> of(ClassLoader loader, String changelog) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        Optional<byte[]> root = read(loader, changelog);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        sha.update(root.get());
        String text = new String(root.get(), StandardCharsets.UTF_8);
        String folder = changelog.contains("/") ? changelog.substring(0, changelog.lastIndexOf('/') + 1) : "";
        Matcher include = INCLUDE.matcher(text);
        int followed = 0;
        while (include.find()) {
            String path = folder + include.group(1);
            Optional<byte[]> included = read(loader, path);
            if (included.isEmpty()) {
                return Optional.empty();
            }
            sha.update(path.getBytes(StandardCharsets.UTF_8));
            sha.update(included.get());
            followed++;
        }
        if (followed != text.split("<include", -1).length - 1) {
            return Optional.empty();
        }
        sha.update(LiquibaseUtil.getBuildVersion().getBytes(StandardCharsets.UTF_8));
        return Optional.of(HexFormat.of().formatHex(sha.digest()));
    }

    /** Whether Liquibase last brought this database up to date with the changelog of that digest. */
    static boolean isRecorded(Connection connection, String digest) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery("SELECT to_regclass('schema_digest') IS NOT NULL")) {
            if (!exists.next() || !exists.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT digest FROM schema_digest WHERE id = 1");
             ResultSet recorded = statement.executeQuery()) {
            return recorded.next() && digest.equals(recorded.getString(1));
        }
    }

    /** Runs the every-deployment change sets, as Liquibase would have. */
    static void runAlways(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : RUN_ALWAYS) {
                statement.execute(sql);
            }
        }
        commitUnlessAutomatic(connection);
    }

    static void record(Connection connection, String digest) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                INSERT INTO schema_digest (id, digest, applied_at) VALUES (1, ?, now())
                ON CONFLICT (id) DO UPDATE SET digest = EXCLUDED.digest, applied_at = EXCLUDED.applied_at""")) {
            statement.setString(1, digest);
            statement.executeUpdate();
        }
        commitUnlessAutomatic(connection);
    }

    private static void commitUnlessAutomatic(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    private static Optional<byte[]> read(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
