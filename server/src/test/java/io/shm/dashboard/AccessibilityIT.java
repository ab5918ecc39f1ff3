package io.shm.dashboard;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.shm.application.entity.Application;
import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Browser;
import io.shm.testing.Deployments;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every page, in light and in dark, checked with axe-core in the same headless Chromium: no serious or
 * critical violation of any rule (WCAG 2.x A and AA, and axe's best practices). Each page is saved as a
 * screenshot in both themes, {@code <page>-light.png} and {@code <page>-dark.png} under
 * {@code target/screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessibilityIT {

    static final String PASSWORD = System.getProperty("shm.test.admin.password");
    static final Set<String> BLOCKING = Set.of("serious", "critical");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void noPageHasASeriousOrCriticalViolationInEitherTheme() throws Exception {
        String name = "Access " + UUID.randomUUID().toString().substring(0, 8);
        String app = Application.slugOf(name);
        ShmClient client = activeClient(base, name, "1.2.0");
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(202, client.snapshot(start, metrics("users", 42, "plan", "pro", "sys_cpu", 3)).status());
        AdminClient admin = AdminClient.withTestToken(base);
        AdminClient.ok(admin.post("/api/v1/admin/maintenance/rollups", null));
        AdminClient.ok(admin.put("/api/v1/admin/applications/" + app, "{\"public_dashboard\": true, \"public_keys\": [\"users\", \"plan\"]}"));

        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("overview", "/app/index.xhtml?app=" + app);
        pages.put("all-applications", "/app/fleet.xhtml");
        pages.put("applications", "#nav-applications");
        pages.put("instances", "/app/instances.xhtml?app=" + app);
        pages.put("instance", "/app/instance.xhtml?id=" + client.identity().instanceId());
        pages.put("metrics", "/app/metrics.xhtml?app=" + app);
        pages.put("public-settings", "/app/public.xhtml?app=" + app);

        List<String> violations = new ArrayList<>();
        try (Browser browser = new Browser(base)) {
            browser.open("/login.xhtml");
            browser.byId("login:username");
            check(browser, "login-light", violations);
            browser.preferDarkColors(true);
            check(browser, "login-dark", violations);
            browser.preferDarkColors(false);

            browser.type("login:username", "admin");
            browser.type("login:password", PASSWORD);
            browser.clickAndWaitForNextPage("login:submit");
            for (String theme : List.of("light", "dark")) {
                if (theme.equals("dark")) {
                    browser.clickAndWaitForNextPage("session:theme");
                }
                assertTrue((Boolean) browser.script("return document.documentElement.classList.contains('shm-" + theme + "');"));
                for (Map.Entry<String, String> page : pages.entrySet()) {
                    if (page.getValue().startsWith("#")) {
                        // A protected view: opened through its link, which carries the view's token.
                        browser.clickAndWaitForNextPage(page.getValue().substring(1));
                    } else {
                        browser.open(page.getValue());
                    }
                    // Charts draw after the load event: let them, so that the check and the screenshot see them.
                    browser.waitUntil("!window.Chart || Object.values(Chart.instances).every(c => !c.animating)");
                    check(browser, page.getKey() + "-" + theme, violations);
                }
            }
            browser.clickAndWaitForNextPage("session:theme");

            browser.open("/public/" + app);
            check(browser, "public-light", violations);
            browser.preferDarkColors(true);
            check(browser, "public-dark", violations);
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /** Runs axe on the page shown, notes its serious and critical violations, and saves a screenshot. */
    private static void check(Browser browser, String page, List<String> violations) {
        browser.waitUntil("document.readyState === 'complete'");
        Results results = new AxeBuilder().analyze(browser.driver());
        assertTrue(!results.isErrored(), page + ": axe failed: " + results.getErrorMessage());
        for (Rule rule : results.getViolations()) {
            if (BLOCKING.contains(rule.getImpact())) {
                violations.add(page + ": " + rule.getImpact() + " " + rule.getId() + " (" + rule.getHelp() + "): "
                        + rule.getNodes().stream().map(AccessibilityIT::describe).collect(Collectors.joining("; ")));
            }
        }
        browser.screenshot(page);
    }

    private static String describe(CheckedNode node) {
        String html = node.getHtml();
        return node.getTarget() + " " + (html.length() > 160 ? html.substring(0, 160) + "…" : html) + " [" + node.getFailureSummary() + "]";
    }
}
