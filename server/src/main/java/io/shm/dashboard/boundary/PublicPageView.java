package io.shm.dashboard.boundary;

import io.shm.application.entity.ApplicationRef;
import io.shm.application.control.ApplicationSettings;
import io.shm.application.entity.Application;
import io.shm.publicdashboard.control.PublicKeys;
import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.sql.SQLException;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Settings of the chosen application's public page: on or off, and which business keys it shows.
 * The keys offered are those its active instances report now, plus those already chosen.
 */
@Named
@ViewScoped
public class PublicPageView implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    DashboardContext dashboard;

    @Inject
    ApplicationSettings settings;

    @Inject
    PublicKeys publicKeys;

    private ApplicationRef application;
    private boolean enabled;
    private List<String> chosen = new ArrayList<>();
    private List<String> choices = List.of();

    @PostConstruct
    void load() {
        try {
            application = dashboard.current().orElse(null);
            if (application == null) {
                return;
            }
            Optional<Application> found = settings.find(application.slug());
            enabled = found.map(Application::isPublicDashboard).orElse(false);
            chosen = new ArrayList<>(found.map(Application::getPublicKeys).orElse(List.of()));
            TreeSet<String> offered = new TreeSet<>(publicKeys.choosable(application.id()));
            offered.addAll(chosen);
            choices = List.copyOf(offered);
        } catch (SQLException e) {
            throw new IllegalStateException("public page settings unavailable (SQL state " + e.getSQLState() + ")", e);
        }
    }

    public void save() throws SQLException {
        FacesContext faces = FacesContext.getCurrentInstance();
        try {
            publicKeys.check(application.id(), chosen);
            settings.change(application.slug(), new ApplicationSettings.Change(Optional.empty(), Optional.empty(),
                    Optional.of(enabled), Optional.of(List.copyOf(chosen))));
            String text = faces.getApplication().getResourceBundle(faces, "msg").getString(enabled ? "public.savedOn" : "public.savedOff");
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, MessageFormat.format(text, application.name()), null));
        } catch (IllegalArgumentException e) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, e.getMessage(), null));
        }
    }

    /** The page's address on this server, as visitors open it. */
    public String getAddress() {
        FacesContext faces = FacesContext.getCurrentInstance();
        return faces.getExternalContext().getRequestContextPath() + "/public/" + application.slug();
    }

    public ApplicationRef getApplication() {
        return application;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getChosen() {
        return chosen;
    }

    public void setChosen(List<String> chosen) {
        this.chosen = chosen == null ? new ArrayList<>() : new ArrayList<>(chosen);
    }

    public List<String> getChoices() {
        return choices;
    }
}
