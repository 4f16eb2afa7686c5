// Draw the map's features from the page's JSON (see mapapp/mapview.py: drawing()).
// The server escapes every text once when it builds the popup, tooltip, icon and label HTML;
// this script only places those strings and builds the Leaflet layers, and registers them
// (window.mapappRegistry) for the explorer.
(function () {
  "use strict";

  function part(spec) {
    if (spec.marker) {
      return L.marker(spec.marker, {
        icon: L.divIcon(spec.icon),
        riseOnHover: true,
        zIndexOffset: spec.zIndexOffset || 0,
      });
    }
    if (spec.path === "circle") return L.circle(spec.where, spec.options);
    if (spec.path === "polygon") return L.polygon(spec.where, spec.options);
    return L.polyline(spec.where, spec.options);
  }

  /** Fill a feature's popup with its content, fetched from the server when first opened. */
  function loadPopup(popup, id, options) {
    // Pan to the content when it arrives only if the popup was opened to pan into view (the
    // explorer opens some without panning, to keep the view a shared link gives).
    const pan = popup.options.autoPan;
    if (popup.mapappLoaded) return;
    popup.mapappLoaded = true;
    const url = `${options.url}${encodeURIComponent(id)}?lang=${encodeURIComponent(options.lang)}`;
    fetch(url, { headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        return response.json();
      })
      .then((body) => {
        // HTML the server escaped once (mapapp/popups.py); setContent re-lays out and pans.
        const before = popup.options.autoPan;
        popup.options.autoPan = pan;
        popup.setContent(body.html);
        popup.options.autoPan = before;
      })
      .catch((error) => {
        popup.mapappLoaded = false; // try again when it opens next
        const note = document.createElement("p");
        note.className = "fp-error";
        note.textContent = `${options.failed} (${error.message})`;
        popup.setContent(note);
      });
  }

  function feature(spec, data) {
    const group = L.featureGroup();
    const parts = spec.parts.map((p) => part(p).addTo(group));
    group.bindTooltip(spec.tooltip, data.tooltip);
    const waiting = document.createElement("p");
    waiting.className = "fp-loading";
    waiting.textContent = data.popup.loading;
    const { url, lang, loading, failed, ...options } = data.popup;
    group.bindPopup(waiting, options);
    group.on("popupopen", (e) => loadPopup(e.popup, spec.id, data.popup));
    // Tag the DOM elements of the feature whenever they are (re)drawn.
    group.on("add", (e) => {
      e.target.eachLayer((layer) => {
        const element = layer.getElement();
        if (element) element.setAttribute("data-feature-id", spec.id);
      });
    });
    return { group, parts };
  }

  window.mapappDraw = function (map, control, elementId) {
    const data = JSON.parse(document.getElementById(elementId).textContent);
    const overlays = {};
    const features = {};
    const parts = {};
    for (const overlay of data.overlays) {
      const group = L.featureGroup();
      for (const spec of overlay.features) {
        const drawn = feature(spec, data);
        drawn.group.addTo(group);
        features[spec.id] = drawn.group;
        parts[spec.id] = drawn.parts;
      }
      group.addTo(map);
      control.addOverlay(group, overlay.label);
      overlays[overlay.id] = group;
    }
    const view = data.view;
    map.fitBounds(view.bounds, view.options);
    if (view.open && features[view.open]) features[view.open].openPopup();
    window.mapappRegistry = {
      map,
      control,
      overlays,
      features,
      badges: data.badges.map(([id, index, at, precision]) => [id, parts[id][index], at, precision]),
      badge: data.badge,
    };
  };
})();
