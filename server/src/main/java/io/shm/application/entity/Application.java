package io.shm.application.entity;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** A self-hosted application whose instances report to this server, found by the slug of its name. */
@Entity
@Table(name = "application")
@NamedQuery(name = Application.BY_SLUG, query = "SELECT a FROM Application a WHERE a.slug = :slug")
@NamedQuery(name = Application.ALL, query = "SELECT a FROM Application a ORDER BY a.name")
@NamedQuery(name = Application.WITH_GITHUB_URL, query = "SELECT a FROM Application a WHERE a.githubUrl IS NOT NULL")
public class Application {

    public static final String BY_SLUG = "Application.bySlug";
    public static final String ALL = "Application.all";
    public static final String WITH_GITHUB_URL = "Application.withGithubUrl";
    public static final int NAME_MAX = 200;
    public static final int SLUG_MAX = 100;
    public static final int LOGO_URL_MAX = 500;

    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = SLUG_MAX)
    private String slug;

    @Column(nullable = false, length = NAME_MAX)
    private String name;

    @Column(name = "github_url")
    private String githubUrl;

    @Column(name = "github_stars")
    private Integer githubStars;

    /** When {@link #githubStars} was read from GitHub; null until it first was. */
    @Column(name = "github_stars_updated_at")
    private Instant githubStarsUpdatedAt;

    @Column(name = "logo_url")
    private String logoUrl;

    /** Whether {@code /public/{slug}} shows this application's fleet to anyone; off until its maintainer says so. */
    @Column(name = "public_dashboard", nullable = false)
    private boolean publicDashboard;

    /** The business keys the public page shows; none until chosen. */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "application_public_key", joinColumns = @JoinColumn(name = "application_id"))
    @Column(name = "metric_key", nullable = false)
    private Set<String> publicKeys = new HashSet<>();

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Application() {
        // for JPA
    }

    public Application(String name, Instant now) {
        this.name = requireName(name);
        this.slug = slugOf(name);
        this.createdAt = now;
        this.updatedAt = now;
    }

    /**
     * The slug of an application name, as SHM clients expect it: lower case, accents folded, every run
     * of other characters one {@code -}, trimmed of dashes; {@code app} when nothing is left.
     */
    public static String slugOf(String name) {
        String folded = COMBINING_MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        String slug = NOT_SLUG.matcher(folded.toLowerCase(Locale.ROOT)).replaceAll("-");
        slug = trimDashes(slug);
        if (slug.length() > SLUG_MAX) {
            slug = trimDashes(slug.substring(0, SLUG_MAX));
        }
        return slug.isEmpty() ? "app" : slug;
    }

    private static String trimDashes(String slug) {
        int start = 0;
        int end = slug.length();
        while (start < end && slug.charAt(start) == '-') {
            start++;
        }
        while (end > start && slug.charAt(end - 1) == '-') {
            end--;
        }
        return slug.substring(start, end);
    }

    private static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        String trimmed = name.strip();
        if (trimmed.isEmpty() || trimmed.length() > NAME_MAX) {
            throw new IllegalArgumentException("application name must have 1 to " + NAME_MAX + " characters");
        }
        return trimmed;
    }

    /** The repository {@code github_url} names; empty without one, or when it is not a plain github.com address. */
    public Optional<GitHubRepository> githubRepository() {
        return GitHubRepository.parse(githubUrl);
    }

    /**
     * Links the application to a repository, or unlinks it with {@code null}. Stars counted for
     * another repository are forgotten rather than shown for this one.
     */
    public void changeGithubRepository(GitHubRepository repository, Instant now) {
        String url = repository == null ? null : repository.url();
        if (Objects.equals(url, githubUrl)) {
            return;
        }
        githubUrl = url;
        githubStars = null;
        githubStarsUpdatedAt = null;
        updatedAt = now;
    }

    /**
     * Stars read from GitHub at {@code at}. A reading older than the one kept is ignored, so that a
     * slow refresh finishing after a quicker one cannot bring back an older count. {@code updatedAt}
     * stays: it tells when the application was last edited, and stars have their own timestamp.
     */
    public void recordStars(int stars, Instant at) {
        if (stars < 0) {
            throw new IllegalArgumentException("a star count cannot be negative");
        }
        Objects.requireNonNull(at, "at");
        if (githubStarsUpdatedAt != null && at.isBefore(githubStarsUpdatedAt)) {
            return;
        }
        githubStars = stars;
        githubStarsUpdatedAt = at;
    }

    /** True when the application has a repository whose stars were never read, or not within {@code maxAge}. */
    public boolean starsDue(Instant now, Duration maxAge) {
        return githubRepository().isPresent()
                && (githubStarsUpdatedAt == null || !githubStarsUpdatedAt.isAfter(now.minus(maxAge)));
    }

    /**
     * Sets the logo shown on the dashboard: an {@code https} URL of at most {@value #LOGO_URL_MAX} characters,
     * or {@code null} to remove it.
     */
    public void changeLogo(String url, Instant now) {
        if (url != null && !validLogoUrl(url)) {
            throw new IllegalArgumentException("logo_url must be an https URL of at most " + LOGO_URL_MAX + " characters");
        }
        if (!Objects.equals(logoUrl, url)) {
            logoUrl = url;
            updatedAt = now;
        }
    }

    static boolean validLogoUrl(String url) {
        if (url.length() > LOGO_URL_MAX || url.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\')) {
            return false;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /**
     * Switches the public page on or off and chooses the keys it shows. Which keys may be shown is the
     * caller's to check against what the application reports; only business keys are ever public.
     */
    public void changePublicDashboard(boolean on, Collection<String> keys, Instant now) {
        Set<String> chosen = Set.copyOf(keys);
        for (String key : chosen) {
            if (!isBusinessKey(key)) {
                throw new IllegalArgumentException("public_keys: " + key + " is a system key, not a business key");
            }
        }
        if (publicDashboard != on || !publicKeys.equals(chosen)) {
            publicDashboard = on;
            publicKeys.clear();
            publicKeys.addAll(chosen);
            updatedAt = now;
        }
    }

    /** Business keys are the application's own; {@code sys_} and {@code app_} keys describe the instance. */
    public static boolean isBusinessKey(String key) {
        return !key.isEmpty() && !key.startsWith("sys_") && !key.startsWith("app_");
    }

    public boolean isPublicDashboard() {
        return publicDashboard;
    }

    /** The keys the public page shows, in alphabetical order. */
    public List<String> getPublicKeys() {
        return publicKeys.stream().sorted().toList();
    }

    public Long getId() {
        return id;
    }

    public String getSlug() {
        return slug;
    }

    public String getName() {
        return name;
    }

    public String getGithubUrl() {
        return githubUrl;
    }

    public Integer getGithubStars() {
        return githubStars;
    }

    public Instant getGithubStarsUpdatedAt() {
        return githubStarsUpdatedAt;
    }

    public String getLogoUrl() {
        return logoUrl;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
