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
 * <p>
 * The server has just started when the pages are loaded: the first load of each page runs code the JVM
 * has not compiled yet. That first load is reported on its own; then every page is loaded in rounds
 * until the JIT has seen them all ({@code warmupRounds}, the first load's round among them), and only
 * then are the measured loads made, as a maintainer's browser meets a server that has been running.
 */
final class OverviewTiming {

    /** A page's first load after the server's start, and its measured loads. */
    record PageTimes(double firstMillis, Tally tally) {
    }

    private OverviewTiming() {
    }

    /** Per page, its first load and {@code loads} loads after {@code warmupRounds} rounds over every page. */
    static Map<String, PageTimes> measure(URI base, String password, List<String> pages, int loads, int warmupRounds)
            throws MalformedURLException {
        Map<String, Double> first = new LinkedHashMap<>();
        Map<String, PageTimes> times = new LinkedHashMap<>();
        try (Browser browser = new Browser(base.toURL())) {
            browser.open("/login.xhtml");
            browser.byId("login:username").sendKeys("admin");
            browser.byId("login:password").sendKeys(password);
            browser.clickAndWaitForNextPage("login:submit");
            for (int round = 0; round < Math.max(1, warmupRounds); round++) {
                for (String page : pages) {
                    double drawn = load(browser, page);
                    first.putIfAbsent(page, drawn);
                }
            }
            for (String page : pages) {
                Tally tally = new Tally();
                for (int i = 0; i < loads; i++) {
                    tally.accepted((long) (load(browser, page) * 1_000_000));
                }
                times.put(page, new PageTimes(first.get(page), tally));
            }
        }
        return times;
    }

    /** Milliseconds from the start of the navigation to the last chart drawn. */
    private static double load(Browser browser, String page) {
        browser.open(page);
        browser.waitUntil("document.documentElement.dataset.chartsDrawn");
        return ((Number) browser.script("return Number(document.documentElement.dataset.chartsDrawn);")).doubleValue();
    }
}
