/* The supervisor's board map: street areas coloured by their overdue cases, and the cases
   listed on the page as dots (red overdue, amber due soon), each linking to its case page.
   Data from <script type="application/json" id="board-data">: {streets: {code: n},
   cases: [[lat, lng, code, category, overdue, url], ...]}. No personal data is in it. */
(function () {
  "use strict";
  function colour(n) {
    return n >= 10 ? "#d7301f" : n >= 3 ? "#fc8d59" : n >= 1 ? "#fdd49e" : "#e8ecf1";
  }
  function init() {
    var el = document.querySelector("[data-board-map]");
    var source = document.getElementById("board-data");
    if (!el || !source || !window.L) return;
    var data = JSON.parse(source.textContent);
    var b = JSON.parse(el.dataset.bounds || "[39.8,116.2,40.0,116.5]");
    var map = L.map(el, { preferCanvas: true }).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    fetch(el.dataset.areas + "?level=street", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (geo) {
        var layer = L.geoJSON(geo, {
          style: function (f) {
            var n = data.streets[f.properties.code] || 0;
            return { color: "#5b6675", weight: 1, fillColor: colour(n), fillOpacity: 0.7 };
          },
          onEachFeature: function (f, l) {
            var n = data.streets[f.properties.code] || 0;
            l.bindTooltip(f.properties.name + ": " + n + " " + el.dataset.labelArea, { sticky: true });
          }
        }).addTo(map);
        layer.bringToBack();
        el.setAttribute("data-ready", "1");
      });
    var points = [];
    data.cases.forEach(function (c) {
      var marker = L.circleMarker([c[0], c[1]], {
        radius: 6, weight: 2, color: "#fff", fillOpacity: 0.95,
        fillColor: c[4] ? "#b3261e" : "#e69500"
      });
      marker.bindTooltip(c[2] + " · " + c[3] + " · " + (c[4] ? el.dataset.labelOverdue : el.dataset.labelSoon));
      marker.on("click", function () { window.location.href = c[5]; });
      marker.addTo(map);
      points.push([c[0], c[1]]);
    });
    if (points.length) map.fitBounds(points, { padding: [20, 20], maxZoom: 15 });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
