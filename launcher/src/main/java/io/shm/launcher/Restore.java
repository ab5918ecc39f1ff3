package io.shm.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.postgresql.PGConnection;

/**
 * {@code java -jar shm.jar restore FILE [--force]}: a {@link Backup} into an empty database, the embedded
 * one of {@code SHM_DATA_DIR} (a new data folder) or {@code SHM_DB_URL}'s. The schema is created as
 * the server creates it, by the WAR's own Liquibase changelogs, up to the version the backup was taken
 * at (its count of applied changes: a later server migrates the restored data at its next start, as
 * it would have the original); the snapshot table's partitions are created again; then every table is
 * loaded with {@code COPY ... FROM STDIN} and the sequences set, in one transaction: a restore that
 * fails leaves no half-loaded database. Refuses a database that already has tables, or an embedded
 * data folder that exists, unless {@code --force}, which discards them.
 */
final class Restore {

    static final String CHANGELOG = "liquibase/changelog.xml";

    private Restore() {
    }

    static int run(Settings settings, Path home, String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        boolean force = arguments.remove("--force");
        if (arguments.size() != 1) {
            throw new IllegalArgumentException("usage: java -jar shm.jar restore FILE [--force]");
        }
        Path file = Path.of(arguments.get(0)).toAbsolutePath();
        try (ZipFile archive = new ZipFile(file.toFile())) {
            Properties manifest = new Properties();
            ZipEntry manifestEntry = archive.getEntry("manifest.properties");
            if (manifestEntry == null) {
                throw new IllegalArgumentException(file + " is not an SHM backup (no manifest.properties)");
            }
            try (InputStream in = archive.getInputStream(manifestEntry)) {
                manifest.load(in);
            }
            if (!Backup.FORMAT.equals(manifest.getProperty("format"))) {
                throw new IllegalArgumentException(file + " is not an SHM backup of a known format: " + manifest.getProperty("format"));
            }
            if (settings.databaseUrl() == null) {
                Path postgres = settings.postgresDirectory();
                if (DatabaseTarget.runningPort(postgres) != null) {
                    throw new IllegalArgumentException("a server runs on " + settings.dataDirectory() + ": stop it first");
                }
                if (Files.exists(postgres) && !isEmpty(postgres)) {
                    if (!force) {
                        throw new IllegalArgumentException(postgres + " is not empty: restore into a new SHM_DATA_DIR, or add --force to replace it");
                    }
                    Console.print("Removing the database in " + postgres + " (--force)");
                    Folders.deleteRecursively(postgres);
                }
            }
            try (DatabaseTarget target = DatabaseTarget.open(settings);
                 Connection connection = target.connect()) {
                Console.print("Restoring " + file + " (taken " + manifest.getProperty("created") + ") into " + target.description());
                long started = System.nanoTime();
                prepareEmpty(connection, force);
                createSchema(home, connection, Integer.parseInt(manifest.getProperty("changesets", "0")));
                long rows = load(archive, manifest, connection);
                Console.print(String.format("Restore done: %,d rows in %.1f s; start the server on it as usual", rows,
                        (System.nanoTime() - started) / 1e9));
            }
        }
        return 0;
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    /** No tables of the server in the database, or --force to drop them. */
    private static void prepareEmpty(Connection connection, boolean force) throws SQLException {
        List<String> tables = Backup.tablesInLoadOrder(connection);
        if (tables.isEmpty()) {
            return;
        }
        if (!force) {
            throw new IllegalArgumentException("the database already has " + tables.size()
                    + " tables: restore into an empty database, or add --force to drop them");
        }
        Console.print("Dropping the " + tables.size() + " tables of the database (--force)");
        try (Statement statement = connection.createStatement()) {
            for (String table : tables) {
                statement.execute("DROP TABLE IF EXISTS " + Backup.quote(table) + " CASCADE");
            }
        }
    }

    /**
     * Runs the changelogs packaged in the WAR beside this jar, with the WAR's own Liquibase, in a class
     * loader of their own: the first {@code count} changes, those the backed-up database had.
     */
    static void createSchema(Path home, Connection connection, int count) throws Exception {
        Path war = home.resolve("shm.war");
        Path unpacked = Files.createTempDirectory("shm-restore-");
        try {
            List<URL> urls = new ArrayList<>();
            try (ZipFile zip = new ZipFile(war.toFile())) {
                for (ZipEntry entry : zip.stream().toList()) {
                    String name = entry.getName();
                    if (entry.isDirectory() || !(name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")
                            || name.startsWith("WEB-INF/classes/liquibase/"))) {
                        continue;
                    }
                    Path target = unpacked.resolve(name).normalize();
                    if (!target.startsWith(unpacked)) {
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                    if (name.endsWith(".jar") && !name.contains("postgresql")) {
                        urls.add(target.toUri().toURL());
                    }
                }
            }
            urls.add(unpacked.resolve("WEB-INF/classes/").toUri().toURL());
            Console.print("Creating the schema (" + count + " changes, from " + war.getFileName() + ")");
            try (URLClassLoader liquibase = new URLClassLoader("liquibase", urls.toArray(URL[]::new),
                    Restore.class.getClassLoader())) {
                runLiquibase(liquibase, connection, count);
            }
        } finally {
            Folders.deleteRecursively(unpacked);
        }
    }

    private static void runLiquibase(ClassLoader loader, Connection connection, int count) throws Exception {
        // No phoning home from a privacy-first server; the root scope reads the changelog through the context loader.
        System.setProperty("liquibase.analytics.enabled", "false");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Object jdbc = loader.loadClass("liquibase.database.jvm.JdbcConnection")
                    .getConstructor(Connection.class).newInstance(connection);
            Object factory = loader.loadClass("liquibase.database.DatabaseFactory").getMethod("getInstance").invoke(null);
            Object database = factory.getClass().getMethod("findCorrectDatabaseImplementation",
                    loader.loadClass("liquibase.database.DatabaseConnection")).invoke(factory, jdbc);
            Class<?> commandScope = loader.loadClass("liquibase.command.CommandScope");
            Object command = commandScope.getConstructor(String[].class).newInstance((Object) new String[] {"updateCount"});
            var argument = commandScope.getMethod("addArgumentValue", String.class, Object.class);
            argument.invoke(command, "database", database);
            argument.invoke(command, "changelogFile", CHANGELOG);
            argument.invoke(command, "count", count);
            commandScope.getMethod("execute").invoke(command);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    private static long load(ZipFile archive, Properties manifest, Connection connection) throws SQLException, IOException {
        connection.setAutoCommit(false);
        try {
            List<String> tables = new ArrayList<>(List.of(manifest.getProperty("tables").split(",")));
            tables.remove(Backup.LIQUIBASE_LOG); // written by the schema's creation, as it was at the backup
            try (Statement statement = connection.createStatement()) {
                for (String name : list(manifest.getProperty("partitions"))) {
                    statement.execute(manifest.getProperty("partition." + name));
                }
                List<String> quoted = tables.stream().map(Backup::quote).toList();
                if (!quoted.isEmpty()) {
                    // Rows the changelogs may have seeded are replaced by the backup's.
                    statement.execute("TRUNCATE " + String.join(", ", quoted) + " CASCADE");
                }
            }
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            long rows = 0;
            int done = 0;
            for (String table : tables) {
                ZipEntry entry = archive.getEntry("data/" + table + ".copy");
                if (entry == null) {
                    throw new IOException("the backup has no data for table " + table);
                }
                try (InputStream in = archive.getInputStream(entry)) {
                    long copied = copy.copyIn("COPY " + Backup.quote(table) + " ("
                            + Backup.quotedList(manifest.getProperty("columns." + table)) + ") FROM STDIN", in);
                    rows += copied;
                    done++;
                    Console.print(String.format("  %-32s %,12d rows  (%d of %d tables)", table, copied, done, tables.size()));
                }
            }
            try (Statement statement = connection.createStatement()) {
                for (String sequence : list(manifest.getProperty("sequences"))) {
                    statement.execute("SELECT setval('" + Backup.quote(sequence).replace("'", "''") + "', "
                            + Long.parseLong(manifest.getProperty("sequence." + sequence)) + ")");
                }
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                statement.execute("ANALYZE");
            }
            checkSchemaVersion(connection, Integer.parseInt(manifest.getProperty("changesets", "0")));
            return rows;
        } catch (SQLException | IOException | RuntimeException e) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            throw e;
        }
    }

    private static void checkSchemaVersion(Connection connection, int expected) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + Backup.LIQUIBASE_LOG)) {
            rows.next();
            if (rows.getInt(1) != expected) {
                throw new IllegalStateException("the backup's schema has " + expected + " changes, this server's changelog "
                        + rows.getInt(1) + ": restore it with the server version that made it");
            }
        }
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of() : List.of(commaSeparated.split(","));
    }
}
