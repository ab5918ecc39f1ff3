package io.shm.application.control;

import io.shm.application.entity.Application;
import io.shm.application.entity.GitHubRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The database side of refreshing stars, in short transactions of its own: calls to GitHub take
 * seconds and must not keep a transaction open. Reads run without a transaction, on detached
 * entities (hence lists, not streams, which would outlive the persistence context).
 */
@ApplicationScoped
public class StarsStore {

    @PersistenceContext
    EntityManager em;

    /** An application whose stars should be read again. */
    public record Due(String slug, GitHubRepository repository) {
    }

    /**
     * Applications whose stars were never read, or not within {@code maxAge}; the longest waiting
     * first, so that a rate limit hit halfway through a run delays the most recent ones.
     */
    public List<Due> due(Instant now, Duration maxAge) {
        return em.createNamedQuery(Application.WITH_GITHUB_URL, Application.class).getResultList().stream()
                .filter(application -> application.starsDue(now, maxAge))
                .sorted(Comparator.comparing(Application::getGithubStarsUpdatedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(application -> new Due(application.getSlug(), application.githubRepository().orElseThrow()))
                .toList();
    }

    /** The repository of the application with this slug; empty when there is no such application or it has none. */
    public Optional<GitHubRepository> repositoryOf(String slug) {
        return bySlug(slug).flatMap(Application::githubRepository);
    }

    /**
     * Records stars read for {@code repository}; false when the application is gone or was linked to
     * another repository while GitHub was being asked.
     */
    @Transactional
    public boolean record(String slug, GitHubRepository repository, int stars, Instant at) {
        Optional<Application> application = bySlug(slug)
                .filter(found -> found.githubRepository().filter(repository::equals).isPresent());
        application.ifPresent(found -> found.recordStars(stars, at));
        return application.isPresent();
    }

    private Optional<Application> bySlug(String slug) {
        return em.createNamedQuery(Application.BY_SLUG, Application.class)
                .setParameter("slug", slug)
                .getResultList().stream()
                .findFirst();
    }
}
