/*
 * Dates in the viewer's time zone, charts, and copy buttons. Loaded from the server itself, as the CSP
 * requires: no inline script. A chart is a <canvas data-chart="{Chart.js configuration}">, drawn here
 * once the page is parsed; when the last one is drawn, <html data-charts-drawn> holds performance.now().
 */
(function () {
    'use strict';

    function localTimes(root) {
        var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
        root.querySelectorAll('time.shm-time[datetime]').forEach(function (element) {
            var value = element.getAttribute('datetime');
            if (!value || element.dataset.local) {
                return;
            }
            var date = new Date(value);
            if (!isNaN(date.getTime())) {
                element.textContent = format.format(date);
                element.title = value;
                element.dataset.local = 'true';
            }
        });
    }

    /** p:chart extender: ISO bucket labels shown as local dates on the axis and in tooltips. */
    window.shmTimeAxis = function () {
        var format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
        var local = function (label) {
            var date = new Date(label);
            return isNaN(date.getTime()) ? label : format.format(date);
        };
        var options = this.cfg.config.options = this.cfg.config.options || {};
        options.scales = options.scales || {};
        options.scales.x = options.scales.x || {};
        options.scales.x.ticks = { callback: function (value) { return local(this.getLabelForValue(value)); } };
        options.plugins = options.plugins || {};
        options.plugins.tooltip = { callbacks: { title: function (items) { return items.length ? local(items[0].label) : ''; } } };
    };

    /**
     * Day labels (2026-01-31) are UTC days, the rollups' buckets: shown as dates in the viewer's language,
     * never shifted to the previous day west of UTC.
     */
    function dayAxis(config) {
        var format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
        var long = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
        var date = function (label) {
            var day = new Date(label + 'T00:00:00Z');
            return isNaN(day.getTime()) ? label : day;
        };
        var options = config.options = config.options || {};
        options.scales = options.scales || {};
        options.scales.x = options.scales.x || {};
        options.scales.x.ticks = { maxTicksLimit: 8, callback: function (value) {
            var day = date(this.getLabelForValue(value));
            return day instanceof Date ? format.format(day) : day;
        } };
        options.plugins = options.plugins || {};
        options.plugins.tooltip = { callbacks: { title: function (items) {
            var day = items.length ? date(items[0].label) : '';
            return day instanceof Date ? long.format(day) : day;
        } } };
    }

    function drawCharts() {
        var canvases = document.querySelectorAll('canvas[data-chart]');
        if (canvases.length && typeof window.Chart === 'function') {
            var style = getComputedStyle(document.documentElement);
            window.Chart.defaults.color = style.getPropertyValue('--shm-muted').trim() || window.Chart.defaults.color;
            window.Chart.defaults.borderColor = style.getPropertyValue('--shm-border').trim() || window.Chart.defaults.borderColor;
            canvases.forEach(function (canvas) {
                var config = JSON.parse(canvas.getAttribute('data-chart'));
                if (canvas.hasAttribute('data-days')) {
                    dayAxis(config);
                }
                // Animation is off in every configuration: the chart is drawn before the constructor returns.
                new window.Chart(canvas, config);
            });
        }
        document.documentElement.dataset.chartsDrawn = String(performance.now());
    }

    document.addEventListener('click', function (event) {
        var button = event.target.closest ? event.target.closest('button.shm-copy[data-copy]') : null;
        if (!button) {
            return;
        }
        var source = document.getElementById(button.getAttribute('data-copy'));
        if (source && navigator.clipboard) {
            navigator.clipboard.writeText(source.textContent).then(function () {
                button.classList.add('shm-copied');
            });
        }
    });

    document.addEventListener('DOMContentLoaded', function () {
        drawCharts();
        localTimes(document);
        new MutationObserver(function () { localTimes(document); })
            .observe(document.body, { childList: true, subtree: true });
    });
})();
