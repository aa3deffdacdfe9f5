/* Insights pages: charts (Chart.js) and the map (Leaflet) drawn from the page's
   <script type="application/json" id="insights-data"> block; no inline script anywhere. */
(function () {
  "use strict";
  var COLORS = ["#0b57d0", "#b3261e", "#1e8e3e", "#f29900", "#8430ce", "#00838f",
                "#5b6675", "#c2185b", "#7cb342", "#6d4c41", "#3949ab", "#e65100"];

  function data() {
    var el = document.getElementById("insights-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function chart(name, config) {
    var canvas = document.querySelector('canvas[data-chart="' + name + '"]');
    if (!canvas || typeof Chart === "undefined") return;
    var narrow = window.innerWidth < 560;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: true, animation: false,
                                     aspectRatio: narrow ? 1.1 : 2 },
                                   config.options || {});
    new Chart(canvas, config);
    canvas.setAttribute("data-ready", "1");
  }

  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }

  function dashboard(d) {
    var L_ = d.labels;
    chart("trend", {
      type: "bar",
      data: {
        labels: d.trend.map(function (m) { return m.month; }),
        datasets: [
          { label: L_.received, data: d.trend.map(function (m) { return m.received; }), backgroundColor: "#9bb8ec", yAxisID: "y" },
          { label: L_.closed, data: d.trend.map(function (m) { return m.closed; }), backgroundColor: "#a5d6a7", yAxisID: "y" },
          { type: "line", label: L_.resolution + " %", data: d.trend.map(function (m) { return pct(m.resolution_rate); }), borderColor: "#b3261e", yAxisID: "r" },
          { type: "line", label: L_.satisfaction + " %", data: d.trend.map(function (m) { return pct(m.satisfaction_rate); }), borderColor: "#f29900", yAxisID: "r" }
        ]
      },
      options: { scales: { y: { beginAtZero: true, position: "left" }, r: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false } } } }
    });
    chart("ranking", {
      type: "bar",
      data: {
        labels: d.ranking.map(function (r) { return r.name; }),
        datasets: [{ label: L_.score, data: d.ranking.map(function (r) { return Math.round(r.score * 1000) / 1000; }), backgroundColor: "#0b57d0" }]
      },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 1 } }, plugins: { legend: { display: false } } }
    });
    chart("categories", {
      type: "doughnut",
      data: {
        labels: d.categories.map(function (c) { return c.name || "–"; }),
        datasets: [{ label: L_.cases, data: d.categories.map(function (c) { return c.cases; }), backgroundColor: COLORS }]
      },
      options: { plugins: { legend: { position: "right" } } }
    });
    var el = document.querySelector("[data-insights-map]");
    if (el && typeof L !== "undefined") drawMap(el, d);
  }

  function shade(value) {
    if (value === null || value === undefined) return "#e8ecf1";
    var v = Math.max(0, Math.min(1, value));
    var light = [232, 245, 233], dark = [27, 94, 32];
    var c = light.map(function (x, i) { return Math.round(x + (dark[i] - x) * v); });
    return "rgb(" + c.join(",") + ")";
  }

  function drawMap(el, d) {
    var b = JSON.parse(el.dataset.bounds || "[39.8,116.2,40.0,116.5]");
    var map = L.map(el, { preferCanvas: true }).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    fetch(el.dataset.areas + "?level=" + encodeURIComponent(el.dataset.level || "street"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (geo) {
        var centres = {};
        L.geoJSON(geo, {
          style: function (f) {
            var v = d.rates[f.properties.code];
            return { color: "#5b6675", weight: 1, fillColor: shade(v), fillOpacity: 0.75 };
          },
          onEachFeature: function (f, layer) {
            var v = d.rates[f.properties.code];
            var text = v === null || v === undefined ? d.labels.none : (Math.round(v * 1000) / 10) + "%";
            layer.bindTooltip(f.properties.name + " · " + d.labels.rate + ": " + text, { sticky: true });
            centres[f.properties.code] = layer.getBounds().getCenter();
          }
        }).addTo(map).bringToBack();
        d.hot.forEach(function (h) {
          // Located issues at their cases' mean point; the others at their unit's centre.
          var at = h.lat !== null ? [h.lat, h.lng] : centres[h.unit];
          if (!at) return;
          L.circleMarker(at, { radius: 5 + Math.min(12, h.heat / 8), color: "#b3261e", fillOpacity: 0.5 })
            .bindTooltip(h.title).addTo(map);
        });
        el.setAttribute("data-ready", "1");
      });
  }

  function project(d) {
    chart("project", {
      type: "bar",
      data: {
        labels: d.months.map(function (m) { return m.month; }),
        datasets: [{
          label: d.labels.cases,
          data: d.months.map(function (m) { return m.cases; }),
          backgroundColor: d.months.map(function (m) { return m.month < d.start ? "#9aa5b1" : "#1e8e3e"; })
        }]
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var d = data();
    if (d && d.trend) dashboard(d);
    else if (d && d.months) project(d);
    var print = document.querySelector("[data-print]");
    if (print) print.addEventListener("click", function () { window.print(); });
  });
})();
