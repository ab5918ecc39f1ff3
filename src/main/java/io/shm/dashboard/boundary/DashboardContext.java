package io.shm.dashboard.boundary;

import io.shm.aggregation.control.FleetQueries;
import io.shm.aggregation.entity.ApplicationRef;
import jakarta.enterprise.context.SessionScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** What the viewer chose for this session: the application the pages show, and light or dark. */
@Named("dashboard")
@SessionScoped
public class DashboardContext implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    FleetQueries fleet;

    private String application;
    private boolean dark;

    public List<ApplicationRef> getApplications() throws SQLException {
        return fleet.applications();
    }

    /** The chosen application, or the first one; empty while no instance has ever registered. */
    public Optional<ApplicationRef> current() throws SQLException {
        List<ApplicationRef> applications = fleet.applications();
        return applications.stream().filter(a -> a.slug().equals(application)).findFirst()
                .or(() -> applications.stream().findFirst());
    }

    public String getApplication() throws SQLException {
        return current().map(ApplicationRef::slug).orElse(null);
    }

    public void setApplication(String application) {
        this.application = application;
    }

    public boolean isDark() {
        return dark;
    }

    public void toggleTheme() {
        dark = !dark;
    }
}
