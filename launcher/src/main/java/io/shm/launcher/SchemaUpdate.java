package io.shm.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Brings a database that the server has never started on up to the server's schema, with the
 * changelogs packaged in the WAR beside the launcher, exactly as the server does at deployment: the
 * same changelog path (Liquibase records each change set under it, so the server later finds them
 * applied) and the same advisory lock (a server starting meanwhile takes its turn).
 */
final class SchemaUpdate {

    /** The server's own names (io.shm.persistence.control.SchemaMigration), which this must match. */
    static final String CHANGELOG = "liquibase/changelog.xml";
    static final long ADVISORY_LOCK = 0x53484d5f4d494752L;

    private SchemaUpdate() {
    }

    /** True when the server's tables exist (the server has started on this database, or an import made them). */
    static boolean hasSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT to_regclass('instance') IS NOT NULL AND "
                     + "to_regclass('instance_bucket') IS NOT NULL AND to_regclass('rollup_dirty') IS NOT NULL")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    static void apply(Connection connection, Path war) throws IOException, SQLException {
        if (!Files.isRegularFile(war)) {
            throw new IOException(war + " is missing: build with 'mvn package' first");
        }
        Path folder = Files.createTempDirectory("shm-changelogs");
        try {
            extractChangelogs(war, folder);
            // Liquibase reports through java.util.logging at INFO, a line per change set.
            Logger.getLogger("liquibase").setLevel(Level.WARNING);
            try (Statement lock = connection.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK + ")");
            }
            try (URLClassLoader changelogs = new URLClassLoader(new URL[] {folder.toUri().toURL()},
                    SchemaUpdate.class.getClassLoader())) {
                Database database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                Map<String, Object> scope = Map.of(
                        Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(changelogs),
                        Scope.Attr.ui.name(), new LoggerUIService(),
                        "liquibase.analytics.enabled", false);
                Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                        // The import prints its own lines; Liquibase's summary table goes to its (quiet) log.
                        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                        .execute());
            } catch (IOException | SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("the schema migration failed: " + e.getMessage(), e);
            } finally {
                try (Statement unlock = connection.createStatement()) {
                    unlock.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")");
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** WEB-INF/classes/liquibase/** of the WAR into folder/liquibase/**. */
    private static void extractChangelogs(Path war, Path folder) throws IOException {
        String prefix = "WEB-INF/classes/";
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(prefix + "liquibase/")) {
                    continue;
                }
                Path target = folder.resolve(entry.getName().substring(prefix.length())).normalize();
                if (!target.startsWith(folder)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
            }
        }
        if (!Files.isRegularFile(folder.resolve(CHANGELOG))) {
            throw new IOException(war + " holds no " + CHANGELOG);
        }
    }
}
