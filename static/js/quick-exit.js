/*
 * Quick exit, after the GOV.UK "Exit a page quickly" pattern.
 *
 * The control is a plain link to a neutral site, so it works without JavaScript. With
 * JavaScript it hides the page at once, then replaces this site's entry in the history with
 * the neutral site, so the Back button does not bring the page back. Pressing Escape three
 * times within two seconds does the same from anywhere on the page.
 */
(function () {
  "use strict";

  var PRESSES_NEEDED = 3;
  var WINDOW_MS = 2000;
  var presses = [];

  function exitNow(url) {
    document.documentElement.classList.add("is-exiting");
    document.title = "Loading";
    try {
      window.location.replace(url);
    } catch (e) {
      window.location.href = url;
    }
  }

  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.getAttribute("href") : "https://www.bbc.co.uk/weather";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    exitNow(link.getAttribute("href"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < WINDOW_MS; });
    presses.push(now);
    if (presses.length >= PRESSES_NEEDED) {
      presses = [];
      exitNow(exitUrl());
    }
  });

  // If the browser restores this page from its back-forward cache, leave again at once.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("is-exiting")) {
      exitNow(exitUrl());
    }
  });
})();
