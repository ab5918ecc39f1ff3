package io.shm.admin.boundary;

import io.shm.instance.control.InstanceDirectory;
import io.shm.platform.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/admin/export/instances?format=csv|json&app=&status=}: every selected instance with
 * its current metrics, streamed from a database cursor to the client, so memory stays flat for any
 * number of instances. CSV has one column per metric key; text cells that a spreadsheet would run as a
 * formula are prefixed with {@code '}.
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/export/instances")
public class AdminExportResource {

    static final List<String> COLUMNS = List.of("instance_id", "app_slug", "app_version", "deployment_mode",
            "environment", "os_arch", "status", "active", "first_seen_at", "last_seen_at", "last_snapshot_at");

    /** Bytes or characters gathered before they go to the container's stream. */
    private static final int BUFFER = 32 * 1024;

    @Inject
    InstanceDirectory directory;

    @GET
    @Operation(summary = "Every instance with its current metrics, streamed as CSV or JSON")
    @APIResponse(responseCode = "200", description = "OK", content = {
            @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = "application/json", schema = @Schema(ref = "Instances"))})
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    public Response export(@QueryParam("format") String format, @QueryParam("app") String app,
                           @QueryParam("status") String status) throws SQLException {
        InstanceDirectory.Filter filter = AdminInstancesResource.filter(app, null, status, null);
        String kind = format == null || format.isBlank() ? "csv" : format.strip();
        return switch (kind) {
            case "csv" -> {
                List<String> keys = directory.keys(filter);
                yield Response.ok((StreamingOutput) out -> csv(filter, keys, out))
                        .type("text/csv; charset=utf-8")
                        .header("Content-Disposition", "attachment; filename=\"instances.csv\"").build();
            }
            case "json" -> Response.ok((StreamingOutput) out -> json(filter, out))
                    .type("application/json")
                    .header("Content-Disposition", "attachment; filename=\"instances.json\"").build();
            default -> throw Parameters.invalid("format must be csv or json");
        };
    }

    private void csv(InstanceDirectory.Filter filter, List<String> keys, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(new BufferedOutputStream(out, BUFFER), StandardCharsets.UTF_8);
        line(writer, COLUMNS.stream().map(CsvCells::text).toList(), keys.stream().map(CsvCells::text).toList());
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            columns.put(keys.get(i), i);
        }
        String[] cells = new String[keys.size()];
        // Rows gather in one buffer that goes to the writer when full: one copy per few dozen rows.
        StringBuilder rows = new StringBuilder(BUFFER + 4096);
        streaming(() -> directory.each(filter, instance -> {
            rows.append(CsvCells.text(instance.instanceId().toString())).append(',')
                    .append(CsvCells.text(instance.appSlug())).append(',')
                    .append(CsvCells.text(instance.appVersion())).append(',')
                    .append(CsvCells.text(instance.deploymentMode())).append(',')
                    .append(CsvCells.text(instance.environment())).append(',')
                    .append(CsvCells.text(instance.osArch())).append(',')
                    .append(instance.status()).append(',')
                    .append(instance.active()).append(',')
                    .append(instance.firstSeen()).append(',')
                    .append(instance.lastSeen()).append(',');
            if (instance.lastSnapshotAt() != null) {
                rows.append(instance.lastSnapshotAt());
            }
            CsvCells.metrics(instance.metricsJson(), columns, cells);
            for (String cell : cells) {
                rows.append(',');
                if (cell != null) {
                    rows.append(cell);
                }
            }
            rows.append("\r\n");
            if (rows.length() >= BUFFER) {
                write(writer, rows);
            }
        }));
        write(writer, rows);
        writer.flush();
    }

    private void json(InstanceDirectory.Filter filter, OutputStream out) throws IOException {
        OutputStream buffered = new BufferedOutputStream(out, BUFFER);
        buffered.write('[');
        boolean[] first = {true};
        streaming(() -> directory.each(filter, instance -> {
            try {
                if (!first[0]) {
                    buffered.write(',');
                }
                first[0] = false;
                AdminJson.writeInstance(instance, buffered);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        buffered.write(']');
        buffered.flush();
    }

    private static void write(Writer writer, StringBuilder rows) {
        try {
            writer.append(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.setLength(0);
    }

    private static void line(Writer writer, List<String> fixed, List<String> values) throws IOException {
        writer.write(String.join(",", fixed));
        for (String value : values) {
            writer.write(',');
            writer.write(value);
        }
        writer.write("\r\n");
    }

    private interface Export {
        void run() throws SQLException;
    }

    /** Once the answer has started, a failure can only cut it short: the client sees a truncated file. */
    private static void streaming(Export export) throws IOException {
        try {
            export.run();
        } catch (SQLException e) {
            throw new IOException("export cut short: the database failed (SQL state " + e.getSQLState() + ")", e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** CSV cells (RFC 4180), safe to open in a spreadsheet. */
    static final class CsvCells {

        private CsvCells() {
        }

        /**
         * The cells of one instance's metrics, in the order of {@code columns} (key to position), into
         * {@code cells}, null where the instance has no value: read with a streaming parser, since a
         * row has a few of many columns. A key without a column (one that arrived after the header was
         * written) is left out.
         */
        static void metrics(String json, Map<String, Integer> columns, String[] cells) {
            Arrays.fill(cells, null);
            try (JsonParser parser = JsonSupport.parser(new StringReader(json))) {
                parser.next();
                while (parser.next() == JsonParser.Event.KEY_NAME) {
                    Integer column = columns.get(parser.getString());
                    JsonParser.Event event = parser.next();
                    String cell = switch (event) {
                        case VALUE_NUMBER -> parser.getString();
                        case VALUE_STRING -> text(parser.getString());
                        case VALUE_TRUE -> "true";
                        case VALUE_FALSE -> "false";
                        case VALUE_NULL -> null;
                        default -> text(parser.getValue().toString());
                    };
                    if (column != null) {
                        cells[column] = cell;
                    }
                }
            }
        }

        static String text(String text) {
            if (text == null) {
                return "";
            }
            String cell = text;
            if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0
                    || !cell.equals(text)) {
                cell = '"' + cell.replace("\"", "\"\"") + '"';
            }
            return cell;
        }
    }
}
