package io.shm.dashboard.boundary;

import io.shm.aggregation.control.FleetKeys;
import io.shm.application.entity.ApplicationRef;
import io.shm.instance.control.InstanceDirectory;
import io.shm.instance.entity.StatusFilter;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;
import org.primefaces.model.SortOrder;

/**
 * The instances of the chosen application, one page at a time from the database (paging, sorting,
 * status filter and search happen there), with one column per metric key the fleet reports now:
 * business keys and system keys ({@code sys_}, {@code app_}) in two groups that can be shown or hidden.
 */
@Named
@ViewScoped
public class InstancesView implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A metric column: its key, and whether it is a system key. */
    public record Column(String key, boolean system) implements Serializable {
    }

    @Inject
    InstanceDirectory directory;

    @Inject
    FleetKeys fleetKeys;

    @Inject
    DashboardContext context;

    private final List<Column> businessColumns = new ArrayList<>();
    private final List<Column> systemColumns = new ArrayList<>();
    private boolean showBusiness = true;
    private boolean showSystem;
    private String status;
    private String application;
    private LazyDataModel<InstanceRow> model;

    @PostConstruct
    void load() {
        try {
            ApplicationRef current = context.current().orElse(null);
            application = current == null ? null : current.slug();
            if (current != null) {
                fleetKeys.currentKeys(current.id()).forEach((key, type) -> {
                    if (!"object".equals(type) && !"array".equals(type)) {
                        (Format.isSystemKey(key) ? systemColumns : businessColumns).add(new Column(key, Format.isSystemKey(key)));
                    }
                });
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the instance columns could not be read (SQL state " + e.getSQLState() + ")", e);
        }
        model = new Model();
    }

    private final class Model extends LazyDataModel<InstanceRow> {

        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            try {
                return (int) Math.min(Integer.MAX_VALUE, directory.count(filter(filterBy, Map.of())));
            } catch (SQLException e) {
                throw new IllegalStateException("instances unavailable (SQL state " + e.getSQLState() + ")", e);
            }
        }

        @Override
        public List<InstanceRow> load(int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
            try {
                InstanceDirectory.Page page = directory.page(filter(filterBy, sortBy), first,
                        Math.min(pageSize, InstanceDirectory.MAX_PAGE));
                setRowCount((int) Math.min(Integer.MAX_VALUE, page.total()));
                return page.instances().stream().map(InstanceRow::of).toList();
            } catch (SQLException e) {
                throw new IllegalStateException("instances unavailable (SQL state " + e.getSQLState() + ")", e);
            }
        }

        @Override
        public String getRowKey(InstanceRow row) {
            return row.instanceId();
        }

        @Override
        public InstanceRow getRowData(String rowKey) {
            return null; // rows are not selectable: each links to its own page
        }
    }

    private InstanceDirectory.Filter filter(Map<String, FilterMeta> filterBy, Map<String, SortMeta> sortBy) {
        String search = null;
        FilterMeta global = filterBy.get("globalFilter");
        if (global != null && global.getFilterValue() != null && !global.getFilterValue().toString().isBlank()) {
            search = global.getFilterValue().toString().strip();
            if (search.length() > 200) {
                search = search.substring(0, 200);
            }
        }
        String sort = null;
        boolean descending = true;
        for (SortMeta meta : sortBy.values()) {
            String field = switch (meta.getField()) {
                case "version" -> "app_version";
                case "lastSeen" -> "last_seen_at";
                case "firstSeen" -> "first_seen_at";
                case "status" -> "status";
                case "environment" -> "environment";
                default -> null;
            };
            if (field != null) {
                sort = field;
                descending = meta.getOrder() == SortOrder.DESCENDING;
                break;
            }
        }
        return new InstanceDirectory.Filter(application, search, StatusFilter.parse(status).orElse(null), sort, descending);
    }

    public LazyDataModel<InstanceRow> getModel() {
        return model;
    }

    public List<Column> getColumns() {
        List<Column> columns = new ArrayList<>();
        if (showBusiness) {
            columns.addAll(businessColumns);
        }
        if (showSystem) {
            columns.addAll(systemColumns);
        }
        return columns;
    }

    public int getBusinessCount() {
        return businessColumns.size();
    }

    public int getSystemCount() {
        return systemColumns.size();
    }

    public boolean isShowBusiness() {
        return showBusiness;
    }

    public void setShowBusiness(boolean showBusiness) {
        this.showBusiness = showBusiness;
    }

    public boolean isShowSystem() {
        return showSystem;
    }

    public void setShowSystem(boolean showSystem) {
        this.showSystem = showSystem;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        try {
            this.status = StatusFilter.parse(status).map(StatusFilter::label).orElse(null);
        } catch (IllegalArgumentException unknown) {
            this.status = null; // a hand-edited URL: show every status
        }
    }

    public String getApplication() {
        return application;
    }

    public String getExportUrl() {
        return "/api/v1/admin/export/instances?format=csv" + (application == null ? "" : "&app="
                + java.net.URLEncoder.encode(application, java.nio.charset.StandardCharsets.UTF_8));
    }
}
