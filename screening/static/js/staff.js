// Staff portal enhancements; every page works without this file.
(function () {
  "use strict";
  // The invitation letter's Print button: shown only when script can run it.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
