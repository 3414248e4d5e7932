// Small progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so keyboard and screen-reader users hear it first, unless
  // an emergency or urgent warning stands above it (a step saved with a warning sign and a
  // question left blank): the warning is heard first, and reading on reaches the errors.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    var warning = document.querySelector("[data-warning]");
    var warningFirst = warning &&
      (warning.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING);
    (warningFirst ? warning : summary).focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var focusable = target.matches("input, select, textarea, button")
        ? target
        : target.querySelector("input, select, textarea, button");
      target.scrollIntoView({ block: "center" });
      (focusable || target).focus();
    });
  }
  // Buttons marked data-once are disabled after the first click (double submission guard;
  // the server also makes submission idempotent).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
