/* The school map (public: /map/, staff chase board: /staff/map/).

   Reads its settings from <script id="map-config" type="application/json"> (written by gis/views.py),
   loads the schools as GeoJSON once, and then works in the browser:
   - every school with a location is a marker in a cluster layer (Leaflet.markercluster, chunked), so the
     map stays smooth with tens of thousands of points; cluster rings show the mix of colours;
   - markers are coloured by one "colour mode" (level or size; submission status on the chase board);
   - filters (select/checkbox with data-filter) rebuild the cluster layer; the search box filters the list
     and flies to a school; the list and the search need no map tiles at all;
   - a popup loads the school's fragment (public) or is built from the data (chase board), and its photo
     slideshow moves by itself (with a pause button; it starts paused for prefers-reduced-motion);
   - when the tiles cannot be loaded, a calm note says so and everything else keeps working.
   State for tests and the benchmark: #map-app[data-state] (loading/ready/error) and window.aocMap. */
(function () {
  "use strict";

  var app = document.getElementById("map-app");
  var configNode = document.getElementById("map-config");
  if (!app || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var text = config.text || {};
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var numberFormat = new Intl.NumberFormat("th-TH");
  var collator = new Intl.Collator("th");
  var timings = {};
  var started = performance.now();

  var countNode = document.getElementById("map-count");
  var listNode = document.getElementById("map-list");
  var legendNode = document.getElementById("map-legend");
  var searchInput = document.getElementById("map-q");
  var searchForm = document.getElementById("map-search");
  var noteNode = document.getElementById("map-tiles-note");
  var LIST_LIMIT = 200;

  var state = {
    features: [],      // every feature, sorted for the list
    shown: [],         // features passing the filters (on the map when they have a location)
    byCode: {},
    colourBy: config.colourBy,
    filters: {},
    query: config.query || ""
  };
  (config.filters || []).forEach(function (f) { state.filters[f.name] = f.value || ""; });

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function setState(value) { app.setAttribute("data-state", value); }

  // --- Colours ---------------------------------------------------------------------------------------

  function modeOf(key) {
    var modes = config.colourModes || [];
    for (var i = 0; i < modes.length; i++) if (modes[i].key === key) return modes[i];
    return modes[0];
  }

  function categoryOf(feature, mode) {
    var value = feature.properties[mode.property];
    for (var i = 0; i < mode.categories.length; i++) {
      if (mode.categories[i].value === value) return mode.categories[i];
    }
    return { value: value, label: value || "—", colour: "#8a94a3" };
  }

  var iconCache = {};
  function iconFor(feature, mode) {
    var category = categoryOf(feature, mode);
    var late = !!feature.properties.overdue;
    var muted = feature.properties.expected === false;
    var key = mode.key + ":" + category.value + ":" + late + ":" + muted;
    if (!iconCache[key]) {
      var size = late ? 24 : 18;
      iconCache[key] = L.divIcon({
        className: "school-pin" + (late ? " is-late" : "") + (muted ? " is-muted" : ""),
        html: '<span style="background:' + category.colour + '">' + (late ? "!" : "") + "</span>",
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
        popupAnchor: [0, -size / 2]
      });
    }
    return iconCache[key];
  }

  function clusterIcon(cluster) {
    var mode = modeOf(state.colourBy);
    var markers = cluster.getAllChildMarkers();
    var counts = {};
    var late = 0;
    for (var i = 0; i < markers.length; i++) {
      var feature = markers[i].feature;
      var value = feature.properties[mode.property];
      counts[value] = (counts[value] || 0) + 1;
      if (feature.properties.overdue) late++;
    }
    var total = markers.length;
    var stops = [];
    var at = 0;
    mode.categories.forEach(function (category) {
      var n = counts[category.value];
      if (!n) return;
      var end = at + (n / total) * 360;
      stops.push(category.colour + " " + at.toFixed(1) + "deg " + end.toFixed(1) + "deg");
      at = end;
    });
    if (at < 359.9) stops.push("#a3acb9 " + at.toFixed(1) + "deg 360deg");
    var size = total < 10 ? 36 : total < 100 ? 42 : total < 1000 ? 48 : 56;
    var html = '<div class="cluster-ring" style="background:conic-gradient(' + stops.join(",") + ')">' +
      '<span class="cluster-count">' + numberFormat.format(total) + "</span></div>" +
      (late ? '<span class="cluster-late" title="' + (text.overdue || "") + '">' + numberFormat.format(late) + "</span>" : "");
    return L.divIcon({ html: html, className: "school-cluster" + (late ? " has-late" : ""), iconSize: L.point(size, size) });
  }

  // --- The map ---------------------------------------------------------------------------------------

  var map = null;
  var cluster = null;
  var hasLeaflet = !!(window.L && L.markerClusterGroup);

  function showTilesNote() {
    if (!noteNode || noteNode.getAttribute("data-dismissed")) return;
    noteNode.hidden = false;
    app.classList.add("tiles-failed");
  }

  function setUpMap() {
    var bounds = L.latLngBounds(config.bounds);
    map = L.map("map", {
      center: config.center,
      zoom: config.zoom,
      minZoom: config.minZoom,
      maxZoom: config.maxZoom,
      maxBounds: bounds.pad(0.6),
      maxBoundsViscosity: 0.8,
      zoomSnap: 0.5
    });
    var tileLoaded = false;
    if (config.tiles && config.tiles.url) {
      var tiles = L.tileLayer(config.tiles.url, {
        attribution: config.tiles.attribution,
        subdomains: config.tiles.subdomains || "abc",
        maxZoom: config.maxZoom
      });
      tiles.on("tileload", function () {
        tileLoaded = true;
        if (noteNode) noteNode.hidden = true;
        app.classList.remove("tiles-failed");
      });
      tiles.on("tileerror", function () { if (!tileLoaded) showTilesNote(); });
      tiles.addTo(map);
      window.setTimeout(function () { if (!tileLoaded) showTilesNote(); }, 8000);
    } else {
      showTilesNote();
    }
    if (noteNode) {
      var dismiss = noteNode.querySelector("[data-dismiss-note]");
      if (dismiss) dismiss.addEventListener("click", function () {
        noteNode.hidden = true;
        noteNode.setAttribute("data-dismissed", "1");
      });
    }
    cluster = L.markerClusterGroup({
      chunkedLoading: true,
      chunkInterval: 120,
      chunkDelay: 20,
      showCoverageOnHover: false,
      maxClusterRadius: 56,
      spiderfyOnMaxZoom: true,
      removeOutsideVisibleBounds: true,
      iconCreateFunction: clusterIcon
    });
    map.addLayer(cluster);
    // The note makes way for an open popup (on a phone it would cover it), and comes back after.
    map.on("popupopen", function () { if (noteNode) noteNode.classList.add("is-hidden-by-popup"); });
    map.on("popupclose", function (event) {
      stopSlideshows(event.popup.getElement());
      if (noteNode) noteNode.classList.remove("is-hidden-by-popup");
    });
  }

  function makeMarker(feature) {
    var coords = feature.geometry && feature.geometry.coordinates;
    if (!coords) return null;
    var marker = L.marker([coords[1], coords[0]], {
      icon: iconFor(feature, modeOf(state.colourBy)),
      title: feature.properties.name,
      alt: feature.properties.name,
      keyboard: true,
      riseOnHover: true
    });
    marker.feature = feature;
    marker.on("click", function () { openPopup(marker); });  // Enter on a focused marker clicks it too
    return marker;
  }

  // --- Popups ----------------------------------------------------------------------------------------
  // The content is fetched first and the popup opened with it, so that Leaflet pans the map once, for the
  // popup's real size (a popup that grows after opening may be left half outside the map).

  var fragments = {};

  function popupContent(feature) {
    var code = feature.properties.code;
    if (!config.popupUrl) return Promise.resolve(chasePopup(feature));
    var html = fragments[code]
      ? Promise.resolve(fragments[code])
      : fetch(config.popupUrl.replace("{code}", encodeURIComponent(code)), { headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (body) { fragments[code] = body; return body; });
    return html.then(function (body) {
      // A DOM node, not a string: Leaflet re-renders string content on every update(), which would drop
      // the slideshow's listeners.
      var node = document.createElement("div");
      node.innerHTML = body;
      return node;
    }, function () {
      return el("div", { className: "school-popup" }, [
        el("h3", { className: "popup-title", text: feature.properties.name }),
        el("p", { className: "small text-danger", text: text.popupFailed }),
        el("a", { href: feature.properties.url, text: text.profile })
      ]);
    });
  }

  function openPopup(marker) {
    popupContent(marker.feature).then(function (node) {
      if (!marker._map) return;  // clustered away meanwhile
      marker.unbindPopup();
      marker.bindPopup(node, {
        maxWidth: 320,
        minWidth: 240,
        // Never taller than the map: the marker must stay in view, or the cluster layer (which drops
        // markers outside the view on phones) would close the popup.
        maxHeight: Math.max(220, map.getSize().y - 110),
        autoPanPadding: [16, 16],
        className: "school-popup-wrap"
      }).openPopup();
      node.querySelectorAll("[data-slideshow]").forEach(startSlideshow);
    });
  }

  function chasePopup(feature) {
    var p = feature.properties;
    var mode = modeOf("status");
    var category = categoryOf(feature, mode);
    var children = [
      el("h3", { className: "popup-title", text: p.name }),
      el("p", { className: "mb-1" }, [
        el("span", { className: "legend-dot", style: "background:" + category.colour }),
        el("span", { className: "fw-semibold", text: " " + p.status_label })
      ])
    ];
    if (p.overdue) children.push(el("p", { className: "mb-1" }, [el("span", { className: "badge badge-overdue", text: text.overdue })]));
    if (p.expected === false) children.push(el("p", { className: "mb-1 small text-body-secondary", text: text.notExpected }));
    children.push(el("p", { className: "small text-body-secondary mb-1", text: p.amphoe_name + " · " + p.code }));
    if (p.last_activity_at) {
      var when = new Date(p.last_activity_at).toLocaleString("th-TH", { dateStyle: "medium", timeStyle: "short" });
      children.push(el("p", { className: "small mb-2", text: (text.lastActivity || "") + ": " + when }));
    }
    children.push(el("a", { className: "btn btn-sm btn-primary", href: p.url, text: text.open }));
    return el("div", { className: "school-popup" }, children);
  }

  // --- The slideshow ("นำเสนอแบบเคลื่อนไหว") ----------------------------------------------------------

  function startSlideshow(show) {
    var slides = show.querySelectorAll(".slide");
    if (slides.length < 2 || show._slideshow) return;
    var index = 0;
    var interval = parseInt(show.getAttribute("data-interval"), 10) || 3500;
    var timer = null;
    var pausedByUser = reducedMotion;
    var toggle = show.querySelector("[data-slideshow-toggle]");
    var counter = show.querySelector("[data-slide-counter]");

    function go(next) {
      slides[index].classList.remove("is-active");
      slides[index].setAttribute("aria-hidden", "true");
      index = (next + slides.length) % slides.length;
      slides[index].classList.add("is-active");
      slides[index].removeAttribute("aria-hidden");
      show.setAttribute("data-index", String(index));
      if (counter) counter.textContent = (index + 1) + " / " + slides.length;
    }
    function stop() { if (timer) window.clearInterval(timer); timer = null; }
    function play() {
      stop();
      timer = window.setInterval(function () { if (!document.hidden) go(index + 1); }, interval);
    }
    function label() {
      if (!toggle) return;
      toggle.setAttribute("aria-pressed", pausedByUser ? "true" : "false");
      toggle.setAttribute("aria-label", pausedByUser ? text.play : text.pause);
      toggle.title = pausedByUser ? text.play : text.pause;
      toggle.innerHTML = pausedByUser ? '<i class="bi bi-play-fill" aria-hidden="true"></i>' : '<i class="bi bi-pause-fill" aria-hidden="true"></i>';
    }
    if (toggle) toggle.addEventListener("click", function () {
      pausedByUser = !pausedByUser;
      if (pausedByUser) stop(); else play();
      label();
    });
    show.querySelectorAll("[data-slide-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        go(index + parseInt(button.getAttribute("data-slide-step"), 10));
        if (!pausedByUser) play();
      });
    });
    show.addEventListener("mouseenter", stop);
    show.addEventListener("mouseleave", function () { if (!pausedByUser) play(); });
    show.addEventListener("focusin", stop);
    show.addEventListener("focusout", function () { if (!pausedByUser) play(); });
    show._slideshow = { stop: stop };
    label();
    if (!pausedByUser) play();
  }

  function stopSlideshows(node) {
    if (!node) return;
    node.querySelectorAll("[data-slideshow]").forEach(function (show) {
      if (show._slideshow) show._slideshow.stop();
    });
  }

  // --- Filters, legend and list ----------------------------------------------------------------------

  function passes(feature) {
    var p = feature.properties;
    for (var i = 0; i < (config.filters || []).length; i++) {
      var filter = config.filters[i];
      var wanted = state.filters[filter.name];
      if (!wanted) continue;
      if (filter.boolean) {
        if (!p[filter.property]) return false;
      } else if (String(p[filter.property]) !== wanted) {
        return false;
      }
    }
    return true;
  }

  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  function normalise(value) {
    return String(value || "").toLowerCase().trim()
      .replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); })
      .replace(/^โรงเรียน/, "").replace(/\s+/g, " ");
  }

  function matches(feature, query) {
    if (!query) return true;
    var fields = config.search || ["name"];
    for (var i = 0; i < fields.length; i++) {
      if (feature._search[i].indexOf(query) !== -1) return true;
    }
    return false;
  }

  function applyFilters(fit) {
    var t0 = performance.now();
    state.shown = state.features.filter(passes);
    if (cluster) {
      cluster.clearLayers();
      var markers = [];
      state.shown.forEach(function (feature) { if (feature.marker) markers.push(feature.marker); });
      cluster.addLayers(markers);
      if (fit && markers.length) {
        map.fitBounds(L.latLngBounds(markers.map(function (m) { return m.getLatLng(); })), { padding: [24, 24], maxZoom: 13 });
      }
    }
    timings.filter = Math.round(performance.now() - t0);
    renderLegend();
    renderList();
    syncUrl();
  }

  function recolour() {
    var mode = modeOf(state.colourBy);
    state.features.forEach(function (feature) {
      if (feature.marker) feature.marker.setIcon(iconFor(feature, mode));
    });
    if (cluster) cluster.refreshClusters();
    renderLegend();
    renderList();
    syncUrl();
  }

  function renderLegend() {
    if (!legendNode) return;
    var mode = modeOf(state.colourBy);
    var counts = {};
    var late = 0;
    state.shown.forEach(function (feature) {
      var value = feature.properties[mode.property];
      counts[value] = (counts[value] || 0) + 1;
      if (feature.properties.overdue) late++;
    });
    legendNode.textContent = "";
    mode.categories.forEach(function (category) {
      legendNode.appendChild(el("li", {}, [
        el("span", { className: "legend-dot", style: "background:" + category.colour, "aria-hidden": "true" }),
        el("span", { className: "legend-label", text: category.label }),
        el("span", { className: "legend-count", text: numberFormat.format(counts[category.value] || 0) })
      ]));
    });
    if (config.mode === "chase") {
      legendNode.appendChild(el("li", { className: "legend-late" }, [
        el("span", { className: "legend-dot is-late", "aria-hidden": "true", text: "!" }),
        el("span", { className: "legend-label", text: text.overdue }),
        el("span", { className: "legend-count", text: numberFormat.format(late) })
      ]));
    }
  }

  function renderList() {
    if (!listNode) return;
    var query = normalise(state.query);
    var mode = modeOf(state.colourBy);
    var found = query ? state.shown.filter(function (f) { return matches(f, query); }) : state.shown;
    listNode.textContent = "";
    var fragment = document.createDocumentFragment();
    found.slice(0, LIST_LIMIT).forEach(function (feature) {
      var p = feature.properties;
      var category = categoryOf(feature, mode);
      var meta = [p.amphoe_name, category.label];
      var button = el("button", { type: "button", className: "map-list-item", "data-code": p.code }, [
        el("span", { className: "legend-dot" + (p.overdue ? " is-late" : ""), style: "background:" + category.colour, "aria-hidden": "true", text: p.overdue ? "!" : "" }),
        el("span", { className: "map-list-text" }, [
          el("span", { className: "map-list-name", text: p.name }),
          el("span", { className: "map-list-meta", text: meta.join(" · ") }),
          p.overdue ? el("span", { className: "badge badge-overdue ms-1", text: text.overdue }) : null,
          feature.marker ? null : el("span", { className: "map-list-meta fst-italic", text: " · " + text.noLocation })
        ])
      ]);
      fragment.appendChild(el("li", {}, [button]));
    });
    listNode.appendChild(fragment);
    if (!found.length) listNode.appendChild(el("li", { className: "map-list-empty", text: text.noResults }));
    var status = format(text.count, {
      shown: numberFormat.format(found.length),
      total: numberFormat.format(state.features.length)
    });
    if (found.length > LIST_LIMIT) status += " · " + format(text.listLimited, { n: numberFormat.format(LIST_LIMIT) });
    countNode.textContent = status;
    state.found = found;
  }

  function syncUrl() {
    if (config.mode !== "public" || !window.history.replaceState) return;
    var params = new URLSearchParams(window.location.search);
    Object.keys(state.filters).forEach(function (name) {
      if (state.filters[name]) params.set(name, state.filters[name]); else params.delete(name);
    });
    if (state.colourBy && state.colourBy !== "level") params.set("colour", state.colourBy); else params.delete("colour");
    if (state.query) params.set("q", state.query); else params.delete("q");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function focusSchool(code) {
    var feature = state.byCode[code];
    if (!feature) return;
    listNode.querySelectorAll(".map-list-item.is-current").forEach(function (node) { node.classList.remove("is-current"); });
    var item = listNode.querySelector('[data-code="' + code + '"]');
    if (item) item.classList.add("is-current");
    if (!feature.marker || !map) {
      if (feature.properties.url && !feature.marker) window.location.href = feature.properties.url;
      return;
    }
    var marker = feature.marker;
    var target = marker.getLatLng();
    var zoom = Math.max(map.getZoom(), 16);
    var opened = false;
    var open = function () {
      if (opened) return;
      opened = true;
      map.off("moveend", arrived);
      cluster.zoomToShowLayer(marker, function () { openPopup(marker); });
    };
    // Open when the flight has arrived, not when an earlier move (a filter's zoom) happens to end.
    var arrived = function () {
      if (map.getZoom() === zoom && map.getCenter().distanceTo(target) < 5) open();
    };
    map.stop();
    if (reducedMotion) {
      map.setView(target, zoom, { animate: false });
      open();
    } else {
      map.on("moveend", arrived);
      map.flyTo(target, zoom, { duration: 0.8 });
      window.setTimeout(open, 2500);  // e.g. the view was held back by the map's bounds
    }
    if (window.matchMedia("(max-width: 991.98px)").matches) {
      document.getElementById("map").scrollIntoView({ behavior: reducedMotion ? "auto" : "smooth", block: "center" });
    }
  }

  // --- Wiring ----------------------------------------------------------------------------------------

  // On a phone the filters start folded, so that the map is on the first screen.
  var filtersNode = document.getElementById("map-filters");
  var anyFilter = Object.keys(state.filters).some(function (name) { return !!state.filters[name]; });
  if (filtersNode && !anyFilter && window.matchMedia("(max-width: 991.98px)").matches) filtersNode.open = false;

  document.querySelectorAll("[data-filter]").forEach(function (input) {
    var name = input.getAttribute("data-filter");
    if (input.type === "checkbox") input.checked = !!state.filters[name];
    else if (state.filters[name]) input.value = state.filters[name];
    input.addEventListener("change", function () {
      state.filters[name] = input.type === "checkbox" ? (input.checked ? "1" : "") : input.value;
      applyFilters(name === "amphoe" && !!state.filters[name]);
    });
  });
  document.querySelectorAll("[data-colour-by]").forEach(function (input) {
    input.checked = input.value === state.colourBy;
    input.addEventListener("change", function () {
      if (input.checked) { state.colourBy = input.value; recolour(); }
    });
  });
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  if (searchInput) {
    searchInput.value = state.query;
    var pending = null;
    searchInput.addEventListener("input", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { state.query = searchInput.value; renderList(); syncUrl(); }, 120);
    });
  }
  if (searchForm) searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    state.query = searchInput.value;
    renderList();
    syncUrl();
    if (state.found && state.found.length) focusSchool(state.found[0].properties.code);
  });
  if (listNode) listNode.addEventListener("click", function (event) {
    var button = event.target.closest(".map-list-item");
    if (button) focusSchool(button.getAttribute("data-code"));
  });

  function load() {
    setState("loading");
    countNode.textContent = text.loading;
    var t0 = performance.now();
    fetch(config.dataUrl, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        timings.fetch = Math.round(performance.now() - t0);
        var t1 = performance.now();
        var features = data.features || [];
        var fields = config.search || ["name"];
        features.forEach(function (feature) {
          feature._search = fields.map(function (name) { return normalise(feature.properties[name]); });
          state.byCode[feature.properties.code] = feature;
          if (hasLeaflet) feature.marker = makeMarker(feature);
        });
        if (config.mode === "chase") {
          features.sort(function (a, b) {
            return (b.properties.overdue - a.properties.overdue) || collator.compare(a.properties.name, b.properties.name);
          });
        }  // the public GeoJSON comes sorted by name
        state.features = features;
        timings.markers = Math.round(performance.now() - t1);
        var t2 = performance.now();
        applyFilters(false);
        if (map && state.shown.length) {  // start on the schools (a district is smaller than the province)
          var points = [];
          state.shown.forEach(function (f) { if (f.marker) points.push(f.marker.getLatLng()); });
          if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 13, animate: false });
        }
        timings.firstRender = Math.round(performance.now() - t2);
        timings.total = Math.round(performance.now() - started);
        setState("ready");
      })
      .catch(function () {
        setState("error");
        countNode.textContent = "";
        listNode.textContent = "";
        var retry = el("button", { type: "button", className: "btn btn-sm btn-outline-primary ms-2", text: "↻" });
        retry.addEventListener("click", load);
        listNode.appendChild(el("li", { className: "map-list-empty text-danger" }, [document.createTextNode(text.loadFailed), retry]));
      });
  }

  if (hasLeaflet) setUpMap();
  window.aocMap = { map: map, cluster: cluster, state: state, timings: timings, focus: focusSchool };
  load();
})();
