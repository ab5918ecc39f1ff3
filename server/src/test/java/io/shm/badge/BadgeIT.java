package io.shm.badge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.badge.control.BadgeColor;
import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.Rows;
import io.shm.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The public badges over HTTP, from instances set up through the ingest API (rows are edited only
 * for what a client cannot do: age an instance past the active window, revoke it). Every test has
 * applications of its own, so the server's badge cache never serves one test another's values.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadgeIT {

    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Instant now = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

    @AfterEach
    void databaseIsBack() {
        TestDatabase.get().start();
    }

    // ---- what the badges count --------------------------------------------------------------

    @Test
    void instancesBadgeCountsOnlyActiveInstances() throws Exception {
        String app = "Badge Count " + run;
        for (int i = 0; i < 6; i++) {
            activeClient(app, "1.0.0");
        }
        makeInactive(activeClient(app, "1.0.0"));
        Rows.revoke(activeClient(app, "1.0.0").identity().instanceId());
        assertEquals(201, newClient().register(app, "1.0.0", "docker", "production", "linux/amd64").status(), "pending");

        Badge badge = badge(get(slug(app) + "/instances"));

        assertEquals("instances", badge.label());
        assertEquals("6", badge.message(), "6 active; the inactive, revoked and pending ones are not counted");
        assertEquals(BadgeColor.FAIR, badge.color(), "5 to 9 instances");

        activeClient(app, "1.0.0");
        assertEquals("6", badge(get(slug(app) + "/instances")).message(), "served from the server's cache");
    }

    @Test
    void versionBadgeShowsTheVersionMostActiveInstancesRun() throws Exception {
        String app = "Badge Version " + run;
        activeClient(app, "2.1.0");
        activeClient(app, "2.1.0");
        activeClient(app, "2.0.0");
        // Three instances run 1.0.0, more than run 2.1.0, but none of them counts.
        makeInactive(activeClient(app, "1.0.0"));
        makeInactive(activeClient(app, "1.0.0"));
        Rows.revoke(activeClient(app, "1.0.0").identity().instanceId());
        String idle = "Badge Idle " + run;
        assertEquals(201, newClient().register(idle, "1.0.0", "docker", "production", "linux/amd64").status());

        Badge badge = badge(get(slug(app) + "/version"));
        Badge noData = badge(get(slug(idle) + "/version"));

        assertEquals("version", badge.label());
        assertEquals("2.1.0", badge.message());
        assertEquals(BadgeColor.VERSION, badge.color());
        assertEquals("no data", noData.message(), "an app whose only instance is still pending");
        assertEquals(BadgeColor.VERSION, noData.color());
    }

    @Test
    void metricBadgeSumsTheActiveInstancesCompactly() throws Exception {
        String app = "Badge Metric " + run;
        snapshot(activeClient(app, "1.0.0"), metrics("users_count", 1000, "http/requests", 40, "edition", "pro"));
        snapshot(activeClient(app, "1.0.0"), metrics("users_count", 234, "http/requests", 2, "edition", "free"));
        snapshot(activeClient(app, "1.0.0"), metrics("users_count", "many"));
        ShmClient gone = activeClient(app, "1.0.0");
        snapshot(gone, metrics("users_count", 5000));
        makeInactive(gone);
        ShmClient revoked = activeClient(app, "1.0.0");
        snapshot(revoked, metrics("users_count", 100_000));
        Rows.revoke(revoked.identity().instanceId());

        Badge users = badge(get(slug(app) + "/metric/users_count"));
        Badge requests = badge(get(slug(app) + "/metric/http/requests"));
        Badge edition = badge(get(slug(app) + "/metric/edition"));
        Badge unknown = badge(get(slug(app) + "/metric/nothing_like_it"));

        assertEquals("users_count", users.label());
        assertEquals("1.2k", users.message(), "1000 + 234; a string value, an inactive and a revoked instance are left out");
        assertEquals(BadgeColor.GOOD, users.color(), "1,000 or more");
        assertEquals("http/requests", requests.label(), "a key with a slash is the rest of the path");
        assertEquals("42", requests.message());
        assertEquals(BadgeColor.POOR, requests.color(), "under 100");
        assertEquals("unknown metric", edition.message(), "a key with text values only");
        assertEquals("error", edition.label());
        assertEquals(BadgeColor.ERROR, edition.color());
        assertEquals("unknown metric", unknown.message());
    }

    @Test
    void combinedBadgeShowsAMetricOverTheActiveInstances() throws Exception {
        String app = "Badge Combined " + run;
        snapshot(activeClient(app, "1.0.0"), metrics("users_count", 1000, "docs", 4));
        snapshot(activeClient(app, "1.0.0"), metrics("users_count", 234, "docs", 3));
        snapshot(activeClient(app, "1.0.0"), metrics("docs", 0));
        ShmClient gone = activeClient(app, "1.0.0");
        snapshot(gone, metrics("users_count", 9000, "docs", 9000));
        makeInactive(gone);

        Badge users = badge(get(slug(app) + "/combined"));
        Badge docs = badge(get(slug(app) + "/combined?metric=docs&label=docs"));
        Badge unknown = badge(get(slug(app) + "/combined?metric=nope"));

        assertEquals("adoption", users.label());
        assertEquals("1.2k / 3", users.message(), "users_count by default: 1000 + 234, over 3 active instances");
        assertEquals(BadgeColor.COMBINED, users.color());
        assertEquals("docs", docs.label());
        assertEquals("7 / 3", docs.message());
        assertEquals("unknown metric", unknown.message());
    }

    // ---- what visitors and clients may put into a badge ------------------------------------------

    @Test
    void hostileLabelAndVersionAreTextNotMarkup() throws Exception {
        String app = "Badge Hostile " + run;
        String version = "<img src=x onerror=alert(1)>";
        String label = "\"><script>alert(1)</script>";
        activeClient(app, version);

        HttpResponse<String> response = get(slug(app) + "/version?label=" + encode(label));
        Badge badge = badge(response);

        assertEquals(200, response.statusCode());
        assertEquals(label, badge.label());
        assertEquals(version, badge.message());
        assertEquals(label + ": " + version, badge.title());
        assertFalse(response.body().contains("<script"), response.body());
        assertFalse(response.body().contains("<img"), response.body());
    }

    @Test
    void anInvalidColourKeepsTheDefaultAndAValidOneReplacesIt() throws Exception {
        String app = "Badge Colour " + run;
        activeClient(app, "1.0.0");
        String path = slug(app) + "/version?color=";

        for (String invalid : List.of("zzzzzz", "12345", "ff0000\" onload=\"alert(1)", "javascript:alert(1)", "#fff", "")) {
            Badge badge = badge(get(path + encode(invalid)));
            assertEquals(BadgeColor.VERSION, badge.color(), invalid);
        }
        assertEquals("#abc", badge(get(path + "ABC")).color());
        assertEquals("#007ec6", badge(get(path + "blue")).color());
        assertEquals(BadgeColor.ERROR, badge(get("no-such-app-" + run + "/version?color=blue")).color(),
                "an error badge stays red");
    }

    @Test
    void unknownAppIsAnErrorBadgeThatStillRenders() throws Exception {
        String slug = "no-such-app-" + run;
        for (String kind : List.of("instances", "version", "metric/users_count", "combined")) {
            HttpResponse<String> response = get(slug + "/" + kind);
            Badge badge = badge(response);

            assertEquals(200, response.statusCode(), kind);
            assertEquals("error", badge.label(), kind);
            assertEquals("unknown app", badge.message(), kind);
            assertEquals(BadgeColor.ERROR, badge.color(), kind);
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(""), kind);
        }
        assertEquals("downloads", badge(get(slug + "/instances?label=downloads")).label(), "the label asked for is kept");
    }

    @Test
    void absurdSlugsKeysAndLabelsAreAnsweredNotFailed() throws Exception {
        String app = "Badge Absurd " + run;
        activeClient(app, "1.0.0");
        String longLabel = "L".repeat(2000);

        Badge longKey = badge(get(slug(app) + "/metric/" + "k".repeat(1000)));
        HttpResponse<String> nulInPath = get(slug(app) + "/metric/a%00b");
        Badge nulMetric = badge(get(slug(app) + "/combined?metric=%00"));
        Badge longSlug = badge(get("s".repeat(1000) + "/instances"));
        Badge nulLabel = badge(get(slug(app) + "/instances?label=a%00b"));
        Badge clamped = badge(get(slug(app) + "/instances?label=" + longLabel));
        Badge emptyLabel = badge(get(slug(app) + "/instances?label="));

        assertEquals("unknown metric", longKey.message());
        assertEquals("error", longKey.label());
        assertEquals("unknown metric", nulMetric.message());
        assertEquals("unknown app", longSlug.message());
        assertEquals("ab", nulLabel.label(), "what XML cannot carry is dropped from a label");
        assertEquals(400, nulInPath.statusCode(), "Payara's HTTP layer refuses a NUL in a path before any application sees it");
        assertEquals("L".repeat(63) + "…", clamped.label());
        assertEquals("1", clamped.message());
        assertEquals("", emptyLabel.label(), "an empty label is a choice, not a missing one");
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    @Test
    void everyAnswerIsAnInertImageWithItsCachingHeaders() throws Exception {
        String app = "Badge Headers " + run;
        activeClient(app, "1.0.0");

        HttpResponse<String> ok = get(slug(app) + "/instances");
        HttpResponse<String> unknown = get("no-such-app-" + run + "/instances");
        HttpResponse<String> noSuchBadge = get(slug(app) + "/stars");
        HttpResponse<String> post = Http.send(HttpRequest.newBuilder(Http.resolve(base, "badge/" + slug(app) + "/instances"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build());
        HttpResponse<String> jsonOnly = Http.send(HttpRequest.newBuilder(Http.resolve(base, "badge/" + slug(app) + "/version"))
                .header("Accept", "application/json").GET().timeout(Duration.ofSeconds(30)).build());

        assertImageHeaders(ok, "public, max-age=300");
        assertImageHeaders(unknown, "no-cache");
        assertImageHeaders(noSuchBadge, "no-cache");
        assertImageHeaders(post, "no-cache");
        assertImageHeaders(jsonOnly, "public, max-age=300");
        assertEquals(200, ok.statusCode());
        assertEquals(200, unknown.statusCode());
        assertEquals(404, noSuchBadge.statusCode());
        assertEquals("not found", badge(noSuchBadge).message());
        assertEquals(405, post.statusCode());
        assertEquals(200, jsonOnly.statusCode(), "a badge is an image whatever the client accepts");
        badge(jsonOnly);
    }

    @Test
    void aDatabaseOutageIsA503ImageThatIsNotCached() throws Exception {
        String slug = "outage-" + run;

        HttpResponse<String> down;
        TestDatabase.get().stop();
        try {
            down = get(slug + "/instances?label=users");
        } finally {
            TestDatabase.get().start();
        }
        HttpResponse<String> back = get(slug + "/instances");

        assertEquals(503, down.statusCode(), down.body());
        assertEquals("30", down.headers().firstValue("Retry-After").orElse(""));
        assertImageHeaders(down, "no-cache");
        Badge unavailable = badge(down);
        assertEquals("users", unavailable.label());
        assertEquals("unavailable", unavailable.message());
        assertEquals(BadgeColor.ERROR, unavailable.color());
        assertEquals(200, back.statusCode(), back.body());
        assertEquals("unknown app", badge(back).message(), "the failure was not kept as the badge's value");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A badge as a viewer sees it: the label and message text, the message's colour, the title. */
    private record Badge(String label, String message, String color, String title) {
    }

    /**
     * Parses the SVG as XML (no DTD allowed) and checks that it holds nothing active: no element but
     * the badge's own, no event handler, no link. Every badge of these tests goes through here.
     */
    private static Badge badge(HttpResponse<String> response) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document svg = factory.newDocumentBuilder().parse(new InputSource(new StringReader(response.body())));

        Element root = svg.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals(SVG_NAMESPACE, root.getNamespaceURI());
        NodeList all = svg.getElementsByTagNameNS("*", "*");
        List<String> texts = new ArrayList<>();
        String color = null;
        String title = null;
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            assertEquals(SVG_NAMESPACE, element.getNamespaceURI());
            assertTrue(List.of("svg", "title", "linearGradient", "stop", "clipPath", "rect", "g", "text")
                    .contains(element.getLocalName()), "unexpected element " + element.getLocalName());
            NamedNodeMap attributes = element.getAttributes();
            for (int a = 0; a < attributes.getLength(); a++) {
                String name = attributes.item(a).getNodeName().toLowerCase(Locale.ROOT);
                assertFalse(name.startsWith("on") || name.contains("href"), "attribute " + name);
            }
            switch (element.getLocalName()) {
                case "text" -> {
                    if (!element.hasAttribute("aria-hidden")) {
                        texts.add(element.getTextContent());
                    }
                }
                // Only the message's rectangle is placed with an x.
                case "rect" -> color = element.hasAttribute("x") ? element.getAttribute("fill") : color;
                case "title" -> title = element.getTextContent();
                default -> {
                }
            }
        }
        // An empty label has no text element: the message is then the only one.
        String label = texts.size() == 2 ? texts.get(0) : "";
        return new Badge(label, texts.get(texts.size() - 1), color, title);
    }

    private static void assertImageHeaders(HttpResponse<String> response, String cacheControl) {
        assertEquals("image/svg+xml;charset=utf-8", response.headers().firstValue("Content-Type").orElse("")
                .replace(" ", "").toLowerCase(Locale.ROOT));
        assertEquals(cacheControl, response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("default-src 'none'; style-src 'unsafe-inline'; sandbox",
                response.headers().firstValue("Content-Security-Policy").orElse(""));
    }

    private HttpResponse<String> get(String path) {
        return Http.get(base, "badge/" + path);
    }

    private static String slug(String appName) {
        return appName.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private ShmClient newClient() {
        return new ShmClient(URI.create(base.toString()), InstanceIdentity.generate(), Http.client());
    }

    private ShmClient activeClient(String app, String version) throws IOException, InterruptedException {
        ShmClient client = newClient();
        ShmResponse registered = client.register(app, version, "docker", "production", "linux/amd64");
        assertEquals(201, registered.status(), registered.body());
        ShmResponse activated = client.activate();
        assertEquals(200, activated.status(), activated.body());
        return client;
    }

    private void snapshot(ShmClient client, JsonObject metrics) throws IOException, InterruptedException {
        ShmResponse accepted = client.snapshot(now, metrics);
        assertEquals(202, accepted.status(), accepted.body());
    }

    /** Last seen just outside the 30-day active window. */
    private static void makeInactive(ShmClient client) {
        Rows.update("UPDATE instance SET last_seen = last_seen - interval '31 days' WHERE instance_id = ?",
                client.identity().instanceId());
    }

    private static JsonObject metrics(Object... keysAndValues) {
        JsonObjectBuilder builder = Json.createObjectBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = (String) keysAndValues[i];
            if (keysAndValues[i + 1] instanceof Integer number) {
                builder.add(key, number);
            } else {
                builder.add(key, keysAndValues[i + 1].toString());
            }
        }
        return builder.build();
    }
}
