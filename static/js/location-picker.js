/* A school's location on a small map: tap or click to place a pin, drag it, or type the coordinates
   (the fields and the pin follow each other). "Use my location" asks the device. The rectangle is the
   box of coordinates the portal accepts (PROVINCE_BOUNDS); the server checks again.
   With data-readonly the map only shows the registry's point and the proposed one (review page).
   Settings come from <script id="picker-config" type="application/json"> (gis/views.py). */
(function () {
  "use strict";

  var node = document.getElementById("picker-map");
  var configNode = document.getElementById("picker-config");
  if (!node || !configNode || !window.L) return;
  var config = JSON.parse(configNode.textContent);
  var text = config.text || {};
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var hint = document.getElementById("picker-hint");
  var noteNode = document.getElementById("map-tiles-note");
  var bounds = L.latLngBounds(config.bounds);

  var start = config.proposed || config.current;
  var map = L.map(node, {
    center: start || config.center,
    zoom: start ? 16 : config.zoom,
    minZoom: config.minZoom,
    maxZoom: config.maxZoom,
    maxBounds: bounds.pad(0.6)
  });

  var tileLoaded = false;
  function showNote() {
    if (noteNode) noteNode.hidden = false;
    node.parentNode.classList.add("tiles-failed");
  }
  if (config.tiles && config.tiles.url) {
    var tiles = L.tileLayer(config.tiles.url, {
      attribution: config.tiles.attribution,
      subdomains: config.tiles.subdomains || "abc",
      maxZoom: config.maxZoom
    });
    tiles.on("tileload", function () {
      tileLoaded = true;
      if (noteNode) noteNode.hidden = true;
      node.parentNode.classList.remove("tiles-failed");
    });
    tiles.on("tileerror", function () { if (!tileLoaded) showNote(); });
    tiles.addTo(map);
    window.setTimeout(function () { if (!tileLoaded) showNote(); }, 8000);
  } else {
    showNote();
  }

  if (text.bounds) {
    L.rectangle(bounds, { color: "#12497a", weight: 1, dashArray: "6 6", fill: false, interactive: false })
      .bindTooltip(text.bounds, { sticky: true }).addTo(map);
  }
  if (config.current) {
    L.circleMarker(config.current, { radius: 8, color: "#5b6675", weight: 2, fillColor: "#a3acb9", fillOpacity: 0.8 })
      .bindTooltip(text.current, { permanent: !!config.readonly, direction: "bottom" }).addTo(map);
  }

  var pinIcon = L.divIcon({
    className: "picker-pin",
    html: '<i class="bi bi-geo-alt-fill" aria-hidden="true"></i>',
    iconSize: [36, 36],
    iconAnchor: [18, 34]
  });
  var pin = null;

  if (config.readonly) {
    if (config.proposed) {
      L.marker(config.proposed, { icon: pinIcon, keyboard: false })
        .bindTooltip(text.proposed, { permanent: true, direction: "top", offset: [0, -30] }).addTo(map);
      if (config.current) map.fitBounds(L.latLngBounds([config.current, config.proposed]), { padding: [48, 48], maxZoom: 17 });
    }
    return;
  }

  function say(message, bad) {
    if (!hint) return;
    hint.textContent = message || "";
    hint.classList.toggle("text-danger", !!bad);
  }

  function check(lat, lon) {
    if (bounds.contains([lat, lon])) { say(""); return true; }
    if (bounds.contains([lon, lat])) say(text.swapped, true); else say(text.outside, true);
    return false;
  }

  function place(latlng, fromInputs) {
    if (!pin) {
      pin = L.marker(latlng, { icon: pinIcon, draggable: true, autoPan: true, title: text.proposed, alt: text.proposed }).addTo(map);
      pin.bindTooltip(text.proposed, { direction: "top", offset: [0, -30] });
      pin.on("dragend", function () { place(pin.getLatLng(), false); });
    } else {
      pin.setLatLng(latlng);
    }
    if (!fromInputs) {
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
    }
    check(latlng.lat, latlng.lng);
  }

  function fromInputs() {
    var raw = latInput.value.trim();
    var pair = raw.match(/^(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)$/);
    if (pair && !lonInput.value.trim()) {  // "7.006543, 100.474321" pasted into the first field
      latInput.value = pair[1];
      lonInput.value = pair[2];
    }
    var lat = parseFloat(latInput.value);
    var lon = parseFloat(lonInput.value);
    if (isNaN(lat) || isNaN(lon)) return;
    if (!check(lat, lon)) return;
    place(L.latLng(lat, lon), true);
    map.setView([lat, lon], Math.max(map.getZoom(), 15));
  }

  map.on("click", function (event) { place(event.latlng, false); });
  latInput.addEventListener("change", fromInputs);
  lonInput.addEventListener("change", fromInputs);
  if (latInput.value && lonInput.value) fromInputs();

  var locate = document.getElementById("picker-locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      say(text.locating);
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        place(latlng, false);
        map.setView(latlng, 17);
      }, function () { say(text.locateFailed, true); }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
})();
