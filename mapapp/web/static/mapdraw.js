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

  function feature(spec, data) {
    const group = L.featureGroup();
    const parts = spec.parts.map((p) => part(p).addTo(group));
    group.bindTooltip(spec.tooltip, data.tooltip);
    group.bindPopup(spec.popup, data.popup);
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
