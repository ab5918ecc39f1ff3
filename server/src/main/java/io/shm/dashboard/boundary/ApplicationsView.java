package io.shm.dashboard.boundary;

import io.shm.admin.control.ApiTokens;
import io.shm.application.control.ApplicationSettings;
import io.shm.application.entity.Application;
import io.shm.security.control.Accounts;
import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings: each application's GitHub repository and logo with ready-to-paste badge snippets; API
 * tokens (a new one shown once); dashboard accounts.
 */
@Named
@ViewScoped
public class ApplicationsView implements Serializable {

    private static final long serialVersionUID = 1L;

    /** An application as the form edits it. */
    public static final class Row implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String slug;
        private final String name;
        private final Integer stars;
        private String githubUrl;
        private String logoUrl;

        Row(Application application) {
            slug = application.getSlug();
            name = application.getName();
            stars = application.getGithubStars();
            githubUrl = application.getGithubUrl();
            logoUrl = application.getLogoUrl();
        }

        public String getSlug() {
            return slug;
        }

        public String getName() {
            return name;
        }

        public Integer getStars() {
            return stars;
        }

        public String getGithubUrl() {
            return githubUrl;
        }

        public void setGithubUrl(String githubUrl) {
            this.githubUrl = githubUrl;
        }

        public String getLogoUrl() {
            return logoUrl;
        }

        public void setLogoUrl(String logoUrl) {
            this.logoUrl = logoUrl;
        }
    }

    @Inject
    ApplicationSettings settings;

    @Inject
    ApiTokens tokens;

    @Inject
    Accounts accounts;

    private final List<Row> applications = new ArrayList<>();
    private List<ApiTokens.Token> tokenList = List.of();
    private List<Accounts.Account> accountList = List.of();
    private String newTokenName;
    private String createdToken;
    private String newUsername;
    private String newPassword;
    private String passwordUser;
    private String changedPassword;
    private String baseUrl;

    @PostConstruct
    void load() {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        baseUrl = external.getRequestScheme() + "://" + external.getRequestServerName()
                + (isDefaultPort(external.getRequestScheme(), external.getRequestServerPort()) ? "" : ":" + external.getRequestServerPort())
                + external.getRequestContextPath();
        applications.clear();
        settings.all().forEach(application -> applications.add(new Row(application)));
        reloadLists();
    }

    private void reloadLists() {
        try {
            tokenList = tokens.list();
            accountList = accounts.list();
        } catch (SQLException e) {
            throw new IllegalStateException("settings unavailable (SQL state " + e.getSQLState() + ")", e);
        }
    }

    public void save(Row row) {
        try {
            settings.change(row.getSlug(), new ApplicationSettings.Change(Optional.ofNullable(row.getGithubUrl()).or(() -> Optional.of("")),
                    Optional.ofNullable(row.getLogoUrl()).or(() -> Optional.of(""))));
            info("applications.saved", row.getName());
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
        }
    }

    public void createToken() throws SQLException {
        try {
            createdToken = tokens.create(newTokenName).secret();
            newTokenName = null;
            reloadLists();
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
        }
    }

    public void revokeToken(long id) throws SQLException {
        tokens.revoke(id);
        createdToken = null;
        reloadLists();
    }

    public void addAccount() throws SQLException {
        try {
            accounts.create(newUsername, newPassword);
            info("accounts.added", newUsername);
            newUsername = null;
            newPassword = null;
            reloadLists();
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
        }
    }

    public void removeAccount(String username) throws SQLException {
        if (accounts.delete(username)) {
            info("accounts.removed", username);
        } else {
            error(message("accounts.last"));
        }
        reloadLists();
    }

    public void changePassword() throws SQLException {
        try {
            Accounts.validPasswordOrThrow(changedPassword);
            if (accounts.changePassword(passwordUser, changedPassword)) {
                info("accounts.passwordChanged", passwordUser);
            }
            changedPassword = null;
            reloadLists();
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
        }
    }

    public String markdown(Row row, String kind) {
        return "![" + kind + "](" + badgeUrl(row, kind) + ")";
    }

    public String html(Row row, String kind) {
        return "<img alt=\"" + kind + "\" src=\"" + badgeUrl(row, kind) + "\">";
    }

    private String badgeUrl(Row row, String kind) {
        return baseUrl + "/badge/" + row.getSlug() + "/" + kind;
    }

    private static boolean isDefaultPort(String scheme, int port) {
        return ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    }

    private static String message(String key, Object... arguments) {
        FacesContext faces = FacesContext.getCurrentInstance();
        return java.text.MessageFormat.format(faces.getApplication().getResourceBundle(faces, "msg").getString(key), arguments);
    }

    private static void info(String key, Object... arguments) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, message(key, arguments), null));
    }

    private static void error(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, text, null));
    }

    public List<Row> getApplications() {
        return applications;
    }

    public List<ApiTokens.Token> getTokens() {
        return tokenList;
    }

    public List<Accounts.Account> getAccounts() {
        return accountList;
    }

    public String getNewTokenName() {
        return newTokenName;
    }

    public void setNewTokenName(String newTokenName) {
        this.newTokenName = newTokenName;
    }

    public String getCreatedToken() {
        return createdToken;
    }

    public String getNewUsername() {
        return newUsername;
    }

    public void setNewUsername(String newUsername) {
        this.newUsername = newUsername;
    }

    public String getNewPassword() {
        return newPassword;
    }

    public void setNewPassword(String newPassword) {
        this.newPassword = newPassword;
    }

    public String getPasswordUser() {
        return passwordUser;
    }

    public void setPasswordUser(String passwordUser) {
        this.passwordUser = passwordUser;
    }

    public String getChangedPassword() {
        return changedPassword;
    }

    public void setChangedPassword(String changedPassword) {
        this.changedPassword = changedPassword;
    }
}
