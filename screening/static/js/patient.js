// Progressive enhancement for the patient steps; every step works without this file.
// - Shows questions that apply only after an earlier answer (job demand, surgery details, when
//   warning signs began), hides them otherwise. The server drops answers that do not apply,
//   whatever is sent.
// - Shows only the inputs of the chosen unit (centimeters or feet and inches).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function checkedValues(form, names) {
    var values = [];
    names.forEach(function (name) {
      form.querySelectorAll("input[name='" + name + "']:checked").forEach(function (input) {
        values.push(input.value);
      });
    });
    return values;
  }

  function update(form) {
    // A block applies when any chosen value of its fields is one of its values (a yes to any
    // of several questions, or any of several ticked boxes).
    form.querySelectorAll("[data-show-name]").forEach(function (block) {
      var names = block.getAttribute("data-show-name").split(" ");
      var values = block.getAttribute("data-show-values").split(" ");
      block.hidden = !checkedValues(form, names).some(function (value) {
        return values.indexOf(value) !== -1;
      });
    });
    form.querySelectorAll("[data-unit-for]").forEach(function (block) {
      var chosen = checkedValues(form, [block.getAttribute("data-unit-for")]);
      // With no unit chosen yet, show everything rather than hide a place to type.
      block.hidden = chosen.length > 0 && chosen[0] !== block.getAttribute("data-unit");
    });
  }

  document.querySelectorAll("form.step-form").forEach(function (form) {
    update(form);
    form.addEventListener("change", function () { update(form); });
  });

  // A notice (an entry added or removed, a page out of date or timed out) is announced: move
  // focus to it, or to the emergency or urgent advice above it, which is heard first.
  var notice = document.querySelector("[data-notice]");
  if (notice && !document.querySelector("[data-error-summary]") && !window.location.hash) {
    var target = document.querySelector("[data-warning]") || notice;
    target.focus({ preventScroll: true });
    // Scrolled to with a little room above, so its focus ring shows whole.
    window.scrollTo(0, Math.max(0, target.getBoundingClientRect().top + window.scrollY - 16));
  }
})();

// The body diagram on the pain-areas question: each region toggles the checkbox of the same
// code, and shows its state; the checkboxes stay the source of truth (they are what is sent).
(function () {
  "use strict";
  document.querySelectorAll("[data-body-diagram]").forEach(function (diagram) {
    var fieldset = diagram.closest("fieldset");
    if (!fieldset) { return; }

    function box(code) {
      return fieldset.querySelector("input[type='checkbox'][value='" + code + "']");
    }

    function sync() {
      diagram.querySelectorAll("[data-region]").forEach(function (region) {
        var checkbox = box(region.getAttribute("data-region"));
        var on = Boolean(checkbox && checkbox.checked);
        region.classList.toggle("is-chosen", on);
        if (region.hasAttribute("aria-checked")) {
          region.setAttribute("aria-checked", on ? "true" : "false");
        }
      });
    }

    function toggle(region) {
      var checkbox = box(region.getAttribute("data-region"));
      if (!checkbox) { return; }
      checkbox.checked = !checkbox.checked;
      checkbox.dispatchEvent(new Event("change", { bubbles: true }));
    }

    diagram.addEventListener("click", function (event) {
      var region = event.target.closest("[data-region]");
      if (region) { toggle(region); }
    });
    diagram.addEventListener("keydown", function (event) {
      var region = event.target.closest("[data-region]");
      if (region && (event.key === " " || event.key === "Enter")) {
        event.preventDefault();
        toggle(region);
      }
    });
    fieldset.addEventListener("change", sync);
    sync();
    diagram.hidden = false;
  });
})();
