// Progressive enhancement for the patient steps; every step works without this file.
// - Shows questions that apply only after an earlier answer (job demand, surgery details),
//   hides them otherwise. The server drops answers that do not apply, whatever is sent.
// - Shows only the inputs of the chosen unit (centimeters or feet and inches).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function checkedValue(form, name) {
    var checked = form.querySelector("input[name='" + name + "']:checked");
    return checked ? checked.value : null;
  }

  function update(form) {
    form.querySelectorAll("[data-show-name]").forEach(function (block) {
      var value = checkedValue(form, block.getAttribute("data-show-name"));
      var values = block.getAttribute("data-show-values").split(" ");
      block.hidden = values.indexOf(value) === -1;
    });
    form.querySelectorAll("[data-unit-for]").forEach(function (block) {
      var value = checkedValue(form, block.getAttribute("data-unit-for"));
      // With no unit chosen yet, show everything rather than hide a place to type.
      block.hidden = value !== null && value !== block.getAttribute("data-unit");
    });
  }

  document.querySelectorAll("form.step-form").forEach(function (form) {
    update(form);
    form.addEventListener("change", function () { update(form); });
  });

  // A notice after adding or removing an entry is announced; move focus to it.
  var notice = document.querySelector("[data-notice]");
  if (notice && !document.querySelector("[data-error-summary]") && !window.location.hash) {
    notice.focus();
  }
})();
