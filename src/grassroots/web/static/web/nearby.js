/* The public map of nearby cases: loads the public cases of the visible box as GeoJSON from
   data-cases (points already snapped to ~200 m cells by the server), one marker per cell with
   the list of its cases, and redraws the page's list to match. "Use my location" centres the
   map on the browser's position. Without this script the page is a plain list. */
(function () {
  "use strict";
  var MAX_SPAN = 0.25, timer = null, request = 0;

  function text(tag, cls, value) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    node.textContent = value;
    return node;
  }

  function item(p, el) {
    var li = document.createElement("li");
    li.appendChild(text("span", "cat", p.category));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(text("span", "badge status-" + p.status, p.status_label));
    li.appendChild(document.createTextNode(" "));
    var time = text("time", "", p.date);
    time.setAttribute("datetime", p.date);
    li.appendChild(time);
    if (p.place) { li.appendChild(document.createTextNode(" · ")); li.appendChild(text("span", "muted", p.place)); }
    if (p.track) {
      li.appendChild(document.createTextNode(" · "));
      var a = text("a", "", el.dataset.labelYours);
      a.href = p.track;
      li.appendChild(a);
    }
    return li;
  }

  function draw(map, layer, el, geo) {
    var list = document.querySelector("[data-nearby-list]");
    var heading = document.querySelector("[data-nearby-heading]");
    if (heading) heading.textContent = heading.dataset.labelView;
    var cells = {};
    layer.clearLayers();
    if (list) list.textContent = "";
    geo.features.forEach(function (f) {
      var key = f.geometry.coordinates.join(",");
      (cells[key] = cells[key] || []).push(f.properties);
      if (list) list.appendChild(item(f.properties, el));
    });
    if (list && !geo.features.length) list.appendChild(text("li", "empty", list.dataset.labelNone));
    Object.keys(cells).forEach(function (key) {
      var c = key.split(","), group = cells[key];
      var ul = document.createElement("ul");
      group.slice(0, 8).forEach(function (p) { ul.appendChild(item(p, el)); });
      var box = document.createElement("div");
      box.className = "nearby-popup";
      box.appendChild(ul);
      L.circleMarker([+c[1], +c[0]], {
        radius: Math.min(6 + 2 * (group.length - 1), 16), weight: 2, color: "#fff",
        fillColor: "#0b57d0", fillOpacity: 0.85
      }).bindPopup(box).bindTooltip(group.length + " · " + group[0].category).addTo(layer);
    });
  }

  function load(map, layer, el) {
    var b = map.getBounds(), status = document.querySelector("[data-map-status]");
    if (b.getNorth() - b.getSouth() > MAX_SPAN || b.getEast() - b.getWest() > MAX_SPAN) {
      layer.clearLayers();
      if (status) status.textContent = el.dataset.labelZoom;
      return;
    }
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); });
    var mine = ++request;
    fetch(el.dataset.cases + "?days=" + el.dataset.days + "&bbox=" + bbox.join(","), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (geo) {
        if (mine !== request) return;  // a newer view was asked for meanwhile
        draw(map, layer, el, geo);
        if (status) status.textContent = geo.truncated ? el.dataset.labelMore : "";
        el.setAttribute("data-loaded", String(geo.features.length));
      });
  }

  function init() {
    var el = document.querySelector("[data-nearby-map]");
    if (!el || !window.L) return;
    var b = JSON.parse(el.dataset.bounds || "[39.8,116.2,40.0,116.5]");
    var map = L.map(el, { preferCanvas: true, maxZoom: 17 }).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    fetch(el.dataset.areas + "?level=street", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (geo) {
        L.geoJSON(geo, {
          style: { color: "#5b6675", weight: 1, fillColor: "#e8ecf1", fillOpacity: 0.6 },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { sticky: true }); }
        }).addTo(map).bringToBack();
        el.setAttribute("data-ready", "1");
      });
    var layer = L.layerGroup().addTo(map);
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { load(map, layer, el); }, 250);
    });
    load(map, layer, el);
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          map.setView([pos.coords.latitude, pos.coords.longitude], 15);
        });
      });
    }
  }
  document.addEventListener("DOMContentLoaded", init);
})();
