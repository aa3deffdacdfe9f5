/* Grassroots pages: small progressive enhancements. No inline scripts: configuration comes
   from data- attributes. Everything here is optional; the pages work without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Leaflet's zoom buttons speak the page's language (the labels are on <body>). Deferred
     scripts run before DOMContentLoaded, when the pages' maps are made. */
  if (window.L && L.Control && L.Control.Zoom) {
    var zoom = L.Control.Zoom.prototype.options, body = document.body;
    zoom.zoomInTitle = body.getAttribute("data-label-zoom-in") || zoom.zoomInTitle;
    zoom.zoomOutTitle = body.getAttribute("data-label-zoom-out") || zoom.zoomOutTitle;
  }

  var MINUTE = 60000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;

  /* Deadline count-down: every [data-due] under a [data-countdown] table, and on case pages. */
  function label(root, key, fallback) {
    var table = root.closest ? root.closest("[data-countdown]") : null;
    return (table && table.getAttribute("data-label-" + key)) ||
      document.body.getAttribute("data-label-" + key) || fallback;
  }
  function span(ms, el) {
    var d = Math.floor(ms / DAY), h = Math.floor((ms % DAY) / HOUR), m = Math.floor((ms % HOUR) / MINUTE);
    if (d > 0) return d + label(el, "d", "d") + " " + h + label(el, "h", "h");
    if (h > 0) return h + label(el, "h", "h") + " " + m + label(el, "m", "min");
    return m + label(el, "m", "min");
  }
  /* "{time} left" puts the time where the language wants it (zh: 剩余 {time}); a bare word
     follows the time. */
  function place(text, value) {
    return text.indexOf("{time}") >= 0 ? text.replace("{time}", value) : value + " " + text;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown] [data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = due - now;
      el.classList.remove("due-far", "due-near", "due-soon", "due-over");
      el.classList.add(left < 0 ? "due-over" : left < 2 * HOUR ? "due-soon" : left < DAY ? "due-near" : "due-far");
      var text = left < 0 ? label(el, "overdue", "overdue by") + " " + span(-left, el)
                          : place(label(el, "left", "{time} left"), span(left, el));
      var out = el.querySelector(".left");
      if (!out) { out = document.createElement("span"); out.className = "left"; el.appendChild(out); }
      out.textContent = text;
    });
  }

  /* Keyboard: j / k move through the rows of a [data-keynav] table, Enter opens (native). */
  function keynav(event) {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== "j" && event.key !== "k") return;
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-keynav] a.rowlink"));
    if (!links.length) return;
    var i = links.indexOf(document.activeElement);
    i = event.key === "j" ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0);
    links.forEach(function (a) { a.closest("tr").classList.remove("current"); });
    links[i].focus();
    links[i].closest("tr").classList.add("current");
    event.preventDefault();
  }

  /* A select marked data-autosubmit submits its form on change (the button is the fallback). */
  function autosubmit(event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  }

  /* Top-bar menus (<details data-menu>): one open at a time; Escape or a click elsewhere closes
     them, Escape returning the focus to the menu's button. */
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  function menuClick(event) {
    closeMenus(event.target.closest ? event.target.closest("details[data-menu]") : null);
  }
  function menuKey(event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details[data-menu][open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.addEventListener("click", menuClick);
    document.addEventListener("keydown", menuKey);
    tick();
    setInterval(tick, 30000);
    document.addEventListener("keydown", keynav);
    document.addEventListener("change", autosubmit);
    document.body.addEventListener("htmx:afterSwap", tick);
  });
})();
