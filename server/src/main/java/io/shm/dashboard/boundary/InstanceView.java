package io.shm.dashboard.boundary;

import io.shm.dashboard.control.ChartJson;
import io.shm.instance.control.InstanceAdmin;
import io.shm.instance.control.InstanceDirectory;
import io.shm.platform.Uuids;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One instance: its metadata and state, revoke and delete, and the history of any of its numeric keys
 * (its last value in each hour, as the fleet series count it).
 */
@Named
@ViewScoped
public class InstanceView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The history chart's reach: three weeks of hourly last values. */
    static final int HISTORY_HOURS = 504;
    /** The latest metadata changes shown; the admin API pages through all of them. */
    static final int METADATA_CHANGES = 50;

    @Inject
    InstanceDirectory directory;

    @Inject
    InstanceAdmin admin;

    private String id;
    private InstanceDirectory.Detail detail;
    private InstanceRow row;
    private final List<String> numericKeys = new ArrayList<>();
    private String key;
    private String chart;
    private final List<InstanceDirectory.MetadataChange> metadataHistory = new ArrayList<>();

    /** f:viewAction: reads the instance named by the {@code id} parameter; an unknown id shows "not found". */
    public void load() throws SQLException {
        Optional<UUID> instanceId = parse(id);
        detail = instanceId.isEmpty() ? null : directory.detail(instanceId.get()).orElse(null);
        if (detail == null) {
            return;
        }
        row = InstanceRow.of(detail.summary());
        metadataHistory.clear();
        metadataHistory.addAll(directory.metadataHistory(instanceId.get(), METADATA_CHANGES));
        List<InstanceDirectory.HistoryEntry> history = directory.hourly(instanceId.get(), HISTORY_HOURS);
        TreeSet<String> keys = new TreeSet<>();
        for (InstanceDirectory.HistoryEntry entry : history) {
            InstanceRow.values(entry.metricsJson()).forEach((k, v) -> {
                        if (isNumber(v)) {
                            keys.add(k);
                        }
                    });
        }
        numericKeys.clear();
        numericKeys.addAll(keys);
        if (key == null || !numericKeys.contains(key)) {
            key = numericKeys.isEmpty() ? null : numericKeys.get(0);
        }
        chart = key == null ? null : chart(history);
    }

    private String chart(List<InstanceDirectory.HistoryEntry> history) {
        List<InstanceDirectory.HistoryEntry> oldestFirst = new ArrayList<>(history);
        Collections.reverse(oldestFirst);
        List<String> labels = new ArrayList<>();
        List<BigDecimal> values = new ArrayList<>();
        for (InstanceDirectory.HistoryEntry entry : oldestFirst) {
            String value = InstanceRow.values(entry.metricsJson()).get(key);
            labels.add(entry.receivedAt().toString());
            values.add(value != null && isNumber(value) ? new BigDecimal(value) : null);
        }
        return ChartJson.line(labels, List.of(new ChartJson.Dataset(key, values, "y", false)), false);
    }

    public void revoke() throws SQLException {
        admin.revoke(detail.summary().instanceId());
        message("instance.revoked");
        load();
    }

    public void reactivate() throws SQLException {
        admin.reactivate(detail.summary().instanceId());
        message("instance.reactivated");
        load();
    }

    public void delete() throws SQLException, IOException {
        admin.delete(detail.summary().instanceId());
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.getExternalContext().getFlash().setKeepMessages(true);
        message("instance.deleted");
        faces.getExternalContext().redirect(faces.getExternalContext().getRequestContextPath() + "/app/instances.xhtml");
    }

    private static void message(String key) {
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO,
                faces.getApplication().getResourceBundle(faces, "msg").getString(key), null));
    }

    static boolean isNumber(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        char first = value.charAt(0);
        if (first != '-' && !Character.isDigit(first)) {
            return false;
        }
        try {
            new BigDecimal(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static Optional<UUID> parse(String id) {
        return Uuids.parseCanonical(id);
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public InstanceDirectory.Detail getDetail() {
        return detail;
    }

    public InstanceRow getRow() {
        return row;
    }

    public List<String> getNumericKeys() {
        return numericKeys;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getChart() {
        return chart;
    }

    public List<InstanceDirectory.MetadataChange> getMetadataHistory() {
        return metadataHistory;
    }

    /** The fields a change touched, one {@code field: old → new} line each. */
    public List<String> describe(InstanceDirectory.MetadataChange change) {
        List<String> lines = new ArrayList<>();
        describe(lines, "app_version", change.oldAppVersion(), change.newAppVersion());
        describe(lines, "deployment_mode", change.oldDeploymentMode(), change.newDeploymentMode());
        describe(lines, "environment", change.oldEnvironment(), change.newEnvironment());
        describe(lines, "os_arch", change.oldOsArch(), change.newOsArch());
        return lines;
    }

    private static void describe(List<String> lines, String field, String before, String after) {
        if (!java.util.Objects.equals(before, after)) {
            lines.add(field + ": " + (before == null ? "\u2013" : before) + " \u2192 " + (after == null ? "\u2013" : after));
        }
    }

    public List<java.util.Map.Entry<String, String>> getMetrics() {
        return row == null ? List.of() : new ArrayList<>(new java.util.TreeMap<>(row.values()).entrySet());
    }
}
