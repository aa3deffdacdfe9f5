/* Phone intake and the dispatch queue's triage column (helper pages of web/routes/intake.py).
   No inline scripts: everything is configured by data- attributes. The pages work without
   this file; it only saves keystrokes. */
(function () {
  "use strict";

  /* Ctrl+Enter (Cmd+Enter on a Mac) saves the phone form from any field. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = document.querySelector("[data-phone-form]");
    if (!form) return;
    event.preventDefault();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  /* A hint's button fills its field with triage's proposal (category, priority). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-field]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-use-field"));
    if (!field) return;
    field.value = button.getAttribute("data-use-value");
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  });
})();
