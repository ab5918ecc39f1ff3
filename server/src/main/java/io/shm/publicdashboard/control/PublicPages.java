package io.shm.publicdashboard.control;

import io.shm.application.control.ApplicationSettings;
import io.shm.application.entity.Application;
import io.shm.application.entity.ApplicationChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The public pages of the applications whose maintainers switched theirs on, rendered once per
 * {@code shm.public.cache-seconds} and language, so that a page shared widely costs the database one
 * round of reads per period. Only pages that exist are kept, so the cache holds at most two pages per
 * application; a change of an application's settings drops its pages at once (on this node).
 */
@ApplicationScoped
public class PublicPages {

    /** The languages the page speaks; any other is answered in the first. */
    public static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Locale.FRENCH);

    /** What a slug can be (Application#slugOf): anything else is answered without a query. */
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?");

    /** A rendered page with its entity tag (a hash of its bytes). */
    public record Page(byte[] body, String etag) {
    }

    private record Key(String slug, Locale language) {
    }

    private record Entry(Page page, Instant expires) {
    }

    @Inject
    ApplicationSettings settings;

    @Inject
    PublicFleetReader reader;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "shm.public.cache-seconds", defaultValue = "300")
    int seconds;

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    /** Seconds a page may be kept, by this server and by the browsers and proxies that fetch it. */
    public int cacheSeconds() {
        return seconds;
    }

    /**
     * The page of the application with this slug, in {@code language}; empty when there is no such
     * application or its page is off, which callers answer alike.
     */
    public Optional<Page> page(String slug, Locale language, String contextPath) throws SQLException {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            return Optional.empty();
        }
        Key key = new Key(slug, language);
        Instant now = clock.instant();
        Entry entry = entries.get(key);
        if (entry != null && now.isBefore(entry.expires())) {
            return Optional.of(entry.page());
        }
        Optional<Application> application = settings.find(slug).filter(Application::isPublicDashboard);
        if (application.isEmpty()) {
            entries.remove(key);
            return Optional.empty();
        }
        Page page = page(new PublicPageHtml(language, contextPath).page(reader.read(application.get())));
        if (seconds > 0) {
            entries.put(key, new Entry(page, now.plusSeconds(seconds)));
        }
        return Optional.of(page);
    }

    /** A short page explaining a refusal, in {@code language}. */
    public static byte[] message(Locale language, String contextPath, String titleKey, String textKey, Object... arguments) {
        return new PublicPageHtml(language, contextPath).message(titleKey, textKey, arguments).getBytes(StandardCharsets.UTF_8);
    }

    void forget(@Observes(during = TransactionPhase.AFTER_SUCCESS) ApplicationChanged changed) {
        entries.keySet().removeIf(key -> key.slug().equals(changed.slug()));
    }

    private static Page page(String html) {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return new Page(body, Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
