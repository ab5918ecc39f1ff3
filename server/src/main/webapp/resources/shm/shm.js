/* Dates in the viewer's time zone, and copy buttons. Loaded from the server itself, as the CSP requires. */
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
        localTimes(document);
        new MutationObserver(function () { localTimes(document); })
            .observe(document.body, { childList: true, subtree: true });
    });
})();
