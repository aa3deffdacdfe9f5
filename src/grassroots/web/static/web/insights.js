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

  // Text cut to a width in pixels (with an ellipsis), measured in the charts' font, so that
  // long unit and category names never run off the canvas.
  var measurer = null;
  function textWidth(text) {
    if (!measurer) measurer = document.createElement("canvas").getContext("2d");
    var f = Chart.defaults.font;
    measurer.font = (f.size || 12) + "px " + f.family;
    return measurer.measureText(String(text)).width;
  }
  function fit(text, maxPx) {
    text = String(text);
    if (textWidth(text) <= maxPx) return text;
    var cut = text.length;
    while (cut > 1 && textWidth(text.slice(0, cut) + "…") > maxPx) cut--;
    return text.slice(0, cut) + "…";
  }

  function dashboard(d) {
    var L_ = d.labels;
    chart("trend", {
      type: "bar",
      data: {
        labels: d.trend.map(function (m) { return m.month; }),
        datasets: [
          { label: L_.received, data: d.trend.map(function (m) { return m.received; }), backgroundColor: "#9bb8ec", yAxisID: "y", order: 2 },
          { label: L_.closed, data: d.trend.map(function (m) { return m.closed; }), backgroundColor: "#a5d6a7", yAxisID: "y", order: 2 },
          // Rates on their own right-hand axis, 0–100 % ("y1": a cartesian axis; an id such as
          // "r" is taken by Chart.js for a radial scale and the lines were never drawn).
          { type: "line", label: L_.resolution + " %", data: d.trend.map(function (m) { return pct(m.resolution_rate); }), borderColor: "#b3261e", backgroundColor: "#b3261e", yAxisID: "y1", order: 1, spanGaps: true, pointRadius: 3 },
          { type: "line", label: L_.satisfaction + " %", data: d.trend.map(function (m) { return pct(m.satisfaction_rate); }), borderColor: "#f29900", backgroundColor: "#f29900", yAxisID: "y1", order: 1, spanGaps: true, pointRadius: 3 }
        ]
      },
      options: {
        scales: {
          y: { type: "linear", beginAtZero: true, position: "left", ticks: { precision: 0 } },
          y1: { type: "linear", min: 0, max: 100, position: "right", grid: { drawOnChartArea: false },
                ticks: { callback: function (v) { return v + "%"; } } }
        }
      }
    });
    // One bar every 22 px or so: 20 units stay readable, 2 do not make a giant bar.
    var rankCanvas = document.querySelector('canvas[data-chart="ranking"]');
    var rankWidth = rankCanvas ? rankCanvas.parentElement.clientWidth : 400;
    chart("ranking", {
      type: "bar",
      data: {
        labels: d.ranking.map(function (r) { return r.rank + ". " + r.name; }),
        datasets: [{ label: L_.score, data: d.ranking.map(function (r) { return Math.round(r.score * 1000) / 1000; }), backgroundColor: "#0b57d0" }]
      },
      options: {
        indexAxis: "y",
        aspectRatio: Math.max(0.5, Math.min(4, rankWidth / (48 + 24 * d.ranking.length))),
        layout: { padding: { left: 4, right: 8 } },
        scales: {
          x: { min: 0, max: 1 },
          y: {
            ticks: {
              autoSkip: false,
              callback: function (value) { return fit(this.getLabelForValue(value), this.chart.width * 0.42); }
            },
            // Room for the (cut) labels, so that none loses its first letters to the edge.
            afterFit: function (scale) {
              var widest = 0;
              scale.ticks.forEach(function (t) { widest = Math.max(widest, textWidth(t.label)); });
              scale.width = Math.max(scale.width, widest + 16);
            }
          }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: function (items) { return items[0].label; } } }
        }
      }
    });
    var narrow = window.innerWidth < 560;
    chart("categories", {
      type: "doughnut",
      data: {
        labels: d.categories.map(function (c) { return c.name || "–"; }),
        datasets: [{ label: L_.cases, data: d.categories.map(function (c) { return c.cases; }), backgroundColor: COLORS }]
      },
      options: {
        plugins: {
          legend: {
            position: narrow ? "bottom" : "right",
            labels: {
              boxWidth: 14,
              generateLabels: function (ch) {
                var items = Chart.overrides.doughnut.plugins.legend.labels.generateLabels(ch);
                var room = narrow ? ch.width - 40 : ch.width * 0.45 - 30;
                items.forEach(function (item) { item.text = fit(item.text, room); });
                return items;
              }
            }
          }
        }
      }
    });
    var el = document.querySelector("[data-insights-map]");
    if (el && typeof L !== "undefined") drawMap(el, d);
  }

  // Yellow → green → dark green over the shown figures' own range (d.scale = [min, max]).
  var STOPS = [[255, 255, 204], [120, 198, 121], [0, 104, 55]];
  var NO_FIGURE = "#c3c8cf";
  function shade(value, scale) {
    if (value === null || value === undefined || !scale) return NO_FIGURE;
    var span = scale[1] - scale[0];
    var t = span > 0 ? (value - scale[0]) / span : 1;
    t = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    var i = Math.min(STOPS.length - 2, Math.floor(t)), u = t - i;
    var c = STOPS[i].map(function (x, k) { return Math.round(x + (STOPS[i + 1][k] - x) * u); });
    return "rgb(" + c.join(",") + ")";
  }

  function figureText(d, v) {
    if (v === null || v === undefined) return d.labels.none;
    return d.score ? v.toFixed(3) : (Math.round(v * 1000) / 10) + "%";
  }

  function drawMap(el, d) {
    var b = JSON.parse(el.dataset.bounds || "[39.8,116.2,40.0,116.5]");
    var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 }).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    fetch(el.dataset.areas + "?level=" + encodeURIComponent(el.dataset.level || "street"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (geo) {
        var centres = {};
        // Only the units of the table (the level under the chosen unit, in the viewer's scope).
        var layer = L.geoJSON(geo, {
          filter: function (f) { return Object.prototype.hasOwnProperty.call(d.rates, f.properties.code); },
          style: function (f) {
            var v = d.rates[f.properties.code];
            var none = v === null || v === undefined;
            return { color: none ? "#7a8594" : "#4a5563", weight: 1, dashArray: none ? "3 3" : null,
                     fillColor: shade(v, d.scale), fillOpacity: none ? 0.45 : 0.8 };
          },
          onEachFeature: function (f, layer) {
            var v = d.rates[f.properties.code];
            layer.bindTooltip(f.properties.name + " · " + d.labels.rate + ": " + figureText(d, v), { sticky: true });
            centres[f.properties.code] = layer.getBounds().getCenter();
          }
        }).addTo(map).bringToBack();
        if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [6, 6] });
        d.hot.forEach(function (h) {
          // Located issues at their cases' mean point; the others at their unit's centre.
          var at = h.lat !== null ? [h.lat, h.lng] : centres[h.unit];
          if (!at) return;
          L.circleMarker(at, { radius: 4 + Math.min(8, h.heat / 10), color: "#b3261e", weight: 2, fillOpacity: 0.25 })
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
