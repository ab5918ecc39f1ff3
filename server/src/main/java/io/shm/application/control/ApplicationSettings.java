package io.shm.application.control;

import io.shm.application.entity.Application;
import io.shm.application.entity.ApplicationChanged;
import io.shm.application.entity.GitHubRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Reads applications and changes what an operator sets on them: the GitHub repository, the logo and
 * the public page with its keys.
 */
@ApplicationScoped
public class ApplicationSettings {

    /**
     * What to change: a field that is empty stays as it is; a URL that holds null or "" is removed.
     * Whether the public keys are ones the application reports is the caller's to check.
     */
    public record Change(Optional<String> githubUrl, Optional<String> logoUrl, Optional<Boolean> publicDashboard,
                         Optional<List<String>> publicKeys) {

        public Change(Optional<String> githubUrl, Optional<String> logoUrl) {
            this(githubUrl, logoUrl, Optional.empty(), Optional.empty());
        }
    }

    @PersistenceContext(unitName = "shm")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<ApplicationChanged> changed;

    public List<Application> all() {
        return em.createNamedQuery(Application.ALL, Application.class).getResultList();
    }

    /** The application a slug or name names, by {@link ApplicationDirectory}'s rule. */
    public Optional<Application> find(String slugOrName) {
        if (slugOrName == null || slugOrName.isBlank() || slugOrName.indexOf('\u0000') >= 0) {
            return Optional.empty();
        }
        var query = em.createNativeQuery(ApplicationDirectory.ID_NAMED);
        List<Object> parameters = ApplicationDirectory.parameters(slugOrName);
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, parameters.get(i));
        }
        return query.getResultStream().findFirst()
                .map(id -> em.find(Application.class, ((Number) id).longValue()));
    }

    /**
     * Applies the change, all or nothing.
     *
     * @return the application, or empty when no application has that slug or name
     * @throws IllegalArgumentException naming the field that is not acceptable
     */
    @Transactional
    public Optional<Application> change(String slugOrName, Change change) {
        Optional<Application> found = find(slugOrName);
        found.ifPresent(application -> {
            GitHubRepository repository = null;
            if (change.githubUrl().isPresent()) {
                String url = blankToNull(change.githubUrl().get());
                repository = url == null ? null : GitHubRepository.parse(url).orElseThrow(() ->
                        new IllegalArgumentException("github_url must look like https://github.com/owner/repo"));
            }
            String logo = change.logoUrl().map(ApplicationSettings::blankToNull).orElse(null);
            if (change.logoUrl().isPresent()) {
                application.changeLogo(logo, clock.instant());
            }
            if (change.githubUrl().isPresent()) {
                application.changeGithubRepository(repository, clock.instant());
            }
            if (change.publicDashboard().isPresent() || change.publicKeys().isPresent()) {
                application.changePublicDashboard(change.publicDashboard().orElse(application.isPublicDashboard()),
                        change.publicKeys().orElse(application.getPublicKeys()), clock.instant());
            }
        });
        found.ifPresent(application -> changed.fire(new ApplicationChanged(application.getSlug())));
        return found;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
