package io.shm.benchmark;

import io.shm.testing.Browser;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dashboard pages as a browser sees them: Debian's headless Chromium (the dashboard tests' {@link Browser})
 * signs in, then loads each page; a load's time is the {@code performance.now()} that shm.js writes into
 * {@code html[data-charts-drawn]} once the last chart is drawn, which counts from the start of the
 * navigation (Navigation Timing's time origin): the request, the server's answer, parsing, scripts and
 * every chart.
 */
final class OverviewTiming {

    private OverviewTiming() {
    }

    /** Per page, the times of {@code loads} loads after one warm-up load. */
    static Map<String, Tally> measure(URI base, String password, List<String> pages, int loads) throws MalformedURLException {
        Map<String, Tally> times = new LinkedHashMap<>();
        try (Browser browser = new Browser(base.toURL())) {
            browser.open("/login.xhtml");
            browser.byId("login:username").sendKeys("admin");
            browser.byId("login:password").sendKeys(password);
            browser.clickAndWaitForNextPage("login:submit");
            for (String page : pages) {
                Tally tally = new Tally();
                for (int i = 0; i <= loads; i++) {
                    browser.open(page);
                    browser.waitUntil("document.documentElement.dataset.chartsDrawn");
                    double drawn = ((Number) browser.script(
                            "return Number(document.documentElement.dataset.chartsDrawn);")).doubleValue();
                    if (i > 0) {
                        tally.accepted((long) (drawn * 1_000_000));
                    }
                }
                times.put(page, tally);
            }
        }
        return times;
    }
}
