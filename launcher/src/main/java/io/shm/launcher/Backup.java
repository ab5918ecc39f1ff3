package io.shm.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;

/**
 * {@code java -jar shm.jar backup FILE}: the whole database in one compressed archive, taken while the
 * server runs. One read-only REPEATABLE READ transaction sees a single moment of the database; every
 * table of the schema is copied out with PostgreSQL's {@code COPY ... TO STDOUT} through the JDBC driver
 * (no pg_dump needed), parents before the tables that refer to them. The archive is a ZIP (deflate):
 *
 * <ul>
 *   <li>{@code manifest.properties}: format, time, the tables in load order with their columns, the
 *       snapshot table's partitions, the sequences' values and the number of schema changes applied;</li>
 *   <li>{@code data/TABLE.copy}: each table in COPY's text format, Liquibase's
 *       {@code databasechangelog} among them (the schema version).</li>
 * </ul>
 *
 * {@link Restore} recreates the schema from the WAR's changelogs up to that version, then loads the rows.
 */
final class Backup {

    static final String FORMAT = "shm-backup-1";
    static final String SCHEMA = "public";
    /** Liquibase's lock: a state of the moment, never restored. */
    static final String LIQUIBASE_LOCK = "databasechangeloglock";
    static final String LIQUIBASE_LOG = "databasechangelog";

    private Backup() {
    }

    static int run(Settings settings, Path home, String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java -jar shm.jar backup FILE");
        }
        Path file = Path.of(args[0]).toAbsolutePath();
        try (DatabaseTarget target = DatabaseTarget.open(settings)) {
            Console.print("Backing up " + target.description() + " to " + file);
            long started = System.nanoTime();
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            long rows;
            try (Connection connection = target.connect();
                 OutputStream out = Files.newOutputStream(partial)) {
                rows = write(connection, out);
            } catch (IOException | SQLException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Console.print(String.format("Backup done: %,d rows, %,d bytes, in %.1f s", rows, Files.size(file),
                    (System.nanoTime() - started) / 1e9));
        }
        return 0;
    }

    /** @return the number of rows written */
    static long write(Connection connection, OutputStream out) throws SQLException, IOException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            List<String> tables = tablesInLoadOrder(connection);
            tables.remove(LIQUIBASE_LOCK);
            Properties manifest = new Properties();
            manifest.setProperty("format", FORMAT);
            manifest.setProperty("created", Instant.now().toString());
            manifest.setProperty("postgresql", connection.getMetaData().getDatabaseProductVersion());
            manifest.setProperty("tables", String.join(",", tables));
            for (String table : tables) {
                manifest.setProperty("columns." + table, String.join(",", columns(connection, table)));
            }
            Map<String, String> partitions = partitions(connection);
            manifest.setProperty("partitions", String.join(",", partitions.keySet()));
            partitions.forEach((name, definition) -> manifest.setProperty("partition." + name, definition));
            Map<String, Long> sequences = sequences(connection);
            manifest.setProperty("sequences", String.join(",", sequences.keySet()));
            sequences.forEach((name, value) -> manifest.setProperty("sequence." + name, Long.toString(value)));
            manifest.setProperty("changesets", Long.toString(count(connection, LIQUIBASE_LOG, tables)));

            long rows = 0;
            try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
                zip.putNextEntry(new ZipEntry("manifest.properties"));
                manifest.store(zip, "SHM server backup: restore with java -jar shm.jar restore FILE");
                zip.closeEntry();
                var copy = connection.unwrap(PGConnection.class).getCopyAPI();
                int done = 0;
                for (String table : tables) {
                    zip.putNextEntry(new ZipEntry("data/" + table + ".copy"));
                    long copied = copy.copyOut("COPY (SELECT " + quotedList(manifest.getProperty("columns." + table))
                            + " FROM " + quote(table) + ") TO STDOUT", new NonClosing(zip));
                    zip.closeEntry();
                    rows += copied;
                    done++;
                    Console.print(String.format("  %-32s %,12d rows  (%d of %d tables)", table, copied, done, tables.size()));
                }
            }
            return rows;
        } finally {
            connection.rollback();
        }
    }

    /** The schema's tables (partitioned parents, not their partitions), each after those it refers to. */
    static List<String> tablesInLoadOrder(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE n.nspname = '" + SCHEMA + "' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        Map<String, Set<String>> refersTo = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT DISTINCT c.conrelid::regclass::text, c.confrelid::regclass::text"
                     + " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                     + " WHERE c.contype = 'f' AND n.nspname = '" + SCHEMA + "' AND c.conparentid = 0")) {
            while (rows.next()) {
                refersTo.computeIfAbsent(unquote(rows.getString(1)), t -> new LinkedHashSet<>()).add(unquote(rows.getString(2)));
            }
        }
        List<String> ordered = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String table : tables) {
            visit(table, refersTo, tables, ordered, visiting);
        }
        return ordered;
    }

    private static void visit(String table, Map<String, Set<String>> refersTo, List<String> tables,
                              List<String> ordered, Set<String> visiting) {
        if (ordered.contains(table) || !tables.contains(table) || !visiting.add(table)) {
            return; // done, not ours, or a cycle (a table referring to itself)
        }
        for (String parent : refersTo.getOrDefault(table, Set.of())) {
            visit(parent, refersTo, tables, ordered, visiting);
        }
        visiting.remove(table);
        ordered.add(table);
    }

    static List<String> columns(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (var statement = connection.prepareStatement("SELECT a.attname FROM pg_attribute a"
                + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = '" + SCHEMA + "' AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND a.attgenerated = '' ORDER BY a.attnum")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        return columns;
    }

    /** The partitions of partitioned tables, as the statements that create them again. */
    static Map<String, String> partitions(Connection connection) throws SQLException {
        Map<String, String> partitions = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT c.relname, p.relname, pg_get_expr(c.relpartbound, c.oid)"
                     + " FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent"
                     + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE n.nspname = '" + SCHEMA + "' AND c.relispartition AND c.relkind IN ('r', 'p')"
                     + " ORDER BY c.relname")) {
            while (rows.next()) {
                partitions.put(rows.getString(1), "CREATE TABLE IF NOT EXISTS " + quote(rows.getString(1))
                        + " PARTITION OF " + quote(rows.getString(2)) + " " + rows.getString(3));
            }
        }
        return partitions;
    }

    static Map<String, Long> sequences(Connection connection) throws SQLException {
        Map<String, Long> sequences = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT sequencename, last_value FROM pg_sequences"
                     + " WHERE schemaname = '" + SCHEMA + "' AND last_value IS NOT NULL ORDER BY sequencename")) {
            while (rows.next()) {
                sequences.put(rows.getString(1), rows.getLong(2));
            }
        }
        return sequences;
    }

    private static long count(Connection connection, String table, List<String> tables) throws SQLException {
        if (!tables.contains(table)) {
            return 0;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + quote(table))) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quotedList(String commaSeparated) {
        List<String> quoted = new ArrayList<>();
        for (String name : commaSeparated.split(",")) {
            quoted.add(quote(name));
        }
        return String.join(", ", quoted);
    }

    private static String unquote(String regclass) {
        return regclass.startsWith("\"") ? regclass.substring(1, regclass.length() - 1).replace("\"\"", "\"") : regclass;
    }

    /** COPY closes nothing, but keep the archive open between entries in any case. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
