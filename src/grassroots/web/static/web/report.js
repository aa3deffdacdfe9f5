/* The resident's report form: triage's category suggestions (fetched by htmx into
   #category-hints as the resident types). A "use this" button selects the category in the
   form's select; the button of the chosen category shows as pressed. No inline scripts: the
   page works without this file, the resident then picks the category alone. */
(function () {
  "use strict";

  function select() { return document.getElementById("id_category"); }

  function mark() {
    var field = select();
    if (!field) return;
    document.querySelectorAll("[data-use-category]").forEach(function (button) {
      var chosen = button.getAttribute("data-use-category") === field.value;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-category]");
    var field = select();
    if (!button || !field) return;
    field.value = button.getAttribute("data-use-category");
    field.dispatchEvent(new Event("change", { bubbles: true }));
    mark();
  });

  document.addEventListener("change", function (event) {
    if (event.target === select()) mark();
  });
  document.addEventListener("htmx:afterSwap", mark);
})();
