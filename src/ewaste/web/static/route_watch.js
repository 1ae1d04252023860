// Tells a collector whose route sheet is open that its stops changed: every few seconds
// (data-every-ms) it asks the server for the sheet's fingerprint and, when it differs from
// the one the page was drawn with, shows the notice with a link to the new list. It never
// reloads by itself: the collector may be in the middle of something.
(function () {
  "use strict";
  var notice = document.getElementById("route-changed");
  if (!notice || !window.fetch) { return; }
  var shown = notice.dataset.version;
  function check() {
    return fetch(notice.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (body) {
        if (body && body.version !== shown) { notice.hidden = false; }
      })
      .catch(function () { /* offline for a moment: ask again next time */ });
  }
  window.routeWatch = { check: check };
  window.setInterval(check, Number(notice.dataset.everyMs) || 30000);
}());
