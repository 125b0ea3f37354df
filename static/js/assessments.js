// Checks: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary, so screen readers announce it and keyboard users can
  // follow its links straight to the questions that need an answer (as GOV.UK does).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
