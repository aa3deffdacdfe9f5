/* Maps with Leaflet, served from this origin. The base layer is the unit boundaries
   (GeoJSON from the site itself), so a map works with no tile server; when the deployment
   sets MAP_TILE_URL, tiles are drawn beneath. Configuration comes from data- attributes:
     data-map="pick"  a pin the user places (fills the fields named by data-lat-field/-lng-field
                      and fires "change" on both, so that htmx and other scripts can react)
     data-map="show"  one case's point (data-lat, data-lng)
     data-map="cases" points from data-points (a JSON list of [lat, lng, label]) */
(function () {
  "use strict";
  var STYLE = { color: "#5b6675", weight: 1, fillColor: "#e8ecf1", fillOpacity: 0.6 };

  function baseLayer(map, el, onLoaded) {
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    fetch(el.dataset.areas + "?level=street", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: STYLE,
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { sticky: true }); }
        }).addTo(map);
        layer.bringToBack();
        if (onLoaded) onLoaded(layer, data);
        el.setAttribute("data-ready", "1");  // for people's scripts and the browser tests
      });
  }

  function boundsOf(el) {
    var b = JSON.parse(el.dataset.bounds || "[39.8,116.2,40.0,116.5]");
    return L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
  }

  function pick(el) {
    var map = L.map(el, { preferCanvas: true }).fitBounds(boundsOf(el));
    var lat = document.getElementById(el.dataset.latField);
    var lng = document.getElementById(el.dataset.lngField);
    var status = document.querySelector("[data-pin-status]");
    var marker = null;
    function place(latlng, zoom, silent) {
      if (!marker) marker = L.marker(latlng, { draggable: true }).addTo(map);
      marker.setLatLng(latlng);
      marker.off("dragend").on("dragend", function () { place(marker.getLatLng()); });
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (status) status.textContent = lat.value + ", " + lng.value;
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), 16));
      if (silent) return;
      // Both fields hold their new value before anyone hears of either.
      [lat, lng].forEach(function (field) {
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
    if (lat.value && lng.value) place(L.latLng(+lat.value, +lng.value), true, true);
    map.on("click", function (e) { place(e.latlng); });
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
        });
      });
    } else if (locate) { locate.hidden = true; }
    baseLayer(map, el, function (layer) {
      var search = document.querySelector("[data-place-search]");
      if (!search) return;
      search.addEventListener("change", function () {
        var q = search.value.trim().toLowerCase();
        if (!q) return;
        layer.eachLayer(function (l) {
          if (l.feature.properties.name.toLowerCase().indexOf(q) >= 0) map.fitBounds(l.getBounds());
        });
      });
    });
  }

  function show(el) {
    var point = L.latLng(+el.dataset.lat, +el.dataset.lng);
    var map = L.map(el, { preferCanvas: true }).setView(point, 15);
    L.marker(point).addTo(map);
    baseLayer(map, el);
  }

  function cases(el) {
    var map = L.map(el, { preferCanvas: true }).fitBounds(boundsOf(el));
    baseLayer(map, el);
    JSON.parse(el.dataset.points || "[]").forEach(function (p) {
      L.circleMarker([p[0], p[1]], { radius: 6, color: p[3] || "#b3261e" }).bindTooltip(p[2]).addTo(map);
    });
  }

  function init(root) {
    if (!window.L) return;
    // The static storage hashes file names in production: take the marker images' real URLs
    // from the script tag instead of deriving them from leaflet.css's address.
    var icons = document.getElementById("map-script").dataset;
    L.Icon.Default.mergeOptions({ iconUrl: icons.icon, iconRetinaUrl: icons.icon2x, shadowUrl: icons.shadow });
    L.Icon.Default.imagePath = "";
    root.querySelectorAll("[data-map]:not(.leaflet-container)").forEach(function (el) {
      ({ pick: pick, show: show, cases: cases })[el.dataset.map](el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target.parentNode || document); });
})();
