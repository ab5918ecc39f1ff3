package io.shm.dashboard.boundary;

import io.shm.application.control.ApplicationDirectory;
import io.shm.application.entity.ApplicationRef;
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
    ApplicationDirectory directory;

    private String application;
    private boolean dark;

    public List<ApplicationRef> getApplications() throws SQLException {
        return directory.all();
    }

    /**
     * The chosen application ({@code ?app=} its slug or name, or the selector), or the first one; empty
     * while no instance has ever registered.
     */
    public Optional<ApplicationRef> current() throws SQLException {
        List<ApplicationRef> applications = directory.all();
        String requested = jakarta.faces.context.FacesContext.getCurrentInstance() == null ? null
                : jakarta.faces.context.FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("app");
        if (requested != null) {
            // A link such as /app/instances.xhtml?app=my-app chooses the application.
            directory.find(requested).ifPresent(named -> application = named.slug());
        }
        return applications.stream().filter(a -> a.slug().equals(application)).findFirst()
                .or(() -> applications.stream().findFirst());
    }

    public String getApplication() throws SQLException {
        return current().map(ApplicationRef::slug).orElse(null);
    }

    public void setApplication(String application) {
        this.application = application;
    }

    /** After another application is chosen: the same page again, built for it. */
    public void reload() throws java.io.IOException {
        jakarta.faces.context.FacesContext faces = jakarta.faces.context.FacesContext.getCurrentInstance();
        String viewId = faces.getViewRoot().getViewId();
        faces.getExternalContext().redirect(faces.getApplication().getViewHandler().getBookmarkableURL(faces, viewId,
                java.util.Map.of(), false));
    }

    public boolean isDark() {
        return dark;
    }

    public void toggleTheme() {
        dark = !dark;
    }
}
