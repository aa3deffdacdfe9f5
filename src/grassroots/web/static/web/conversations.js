/* Conversation results: participants as points coloured by opinion group (Chart.js scatter).
   Data comes from <script type="application/json" id="conversation-chart-data">:
     {"title": "...", "series": [{"group": 0, "label": "Group A", "points": [[x, y], ...]}]}
   Group colours are the CSS custom properties --group-0 ... --group-4 (conversations.css),
   so the chart and the swatches beside it always match. */
(function () {
  "use strict";

  function colour(group) {
    var css = getComputedStyle(document.documentElement);
    var value = group >= 0 ? css.getPropertyValue("--group-" + (group % 5)) : css.getPropertyValue("--group-none");
    return (value || "#888").trim();
  }

  function draw() {
    var canvas = document.getElementById("conversation-chart");
    var source = document.getElementById("conversation-chart-data");
    if (!canvas || !source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (s) {
      var c = colour(s.group);
      return {
        label: s.label,
        data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }),
        backgroundColor: c,
        borderColor: c,
        pointRadius: s.points.length > 2000 ? 1.5 : 4,
        pointHoverRadius: 6
      };
    });
    new Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: 1,
        animation: false,
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label; } } }
        },
        scales: {
          x: { grace: "8%", ticks: { display: false }, grid: { color: "#eef0f3" }, border: { display: false } },
          y: { grace: "8%", ticks: { display: false }, grid: { color: "#eef0f3" }, border: { display: false } }
        }
      }
    });
    canvas.setAttribute("data-ready", "1");  // for the browser tests
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
