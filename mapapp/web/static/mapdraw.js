// Set up the map from the page's JSON (see mapapp/mapview/mapdraw.py: drawing()): the layer
// control (one overlay per layer and event type, with the store's counts), the first view,
// and the features drawn tile by tile by tiles.js (only what is visible). The page carries
// no feature. The server escapes every text once (labels, tooltips, icons, popups); this
// script only places those strings. It registers the map (window.mapappRegistry) for the
// explorer.
(function () {
  "use strict";

  /** Wait for the next turn, then until every tile in view is drawn. */
  function settled(tiles) {
    return new Promise((resolve) => setTimeout(resolve, 0)).then(() => tiles.idle());
  }

  window.mapappDraw = function (map, control, elementId) {
    const data = JSON.parse(document.getElementById(elementId).textContent);
    // A shared link with parts the server left out (its notice says which): the address is
    // written back without them before anything reads it.
    const notice = document.getElementById("url-notice");
    if (notice && notice.dataset.clean !== undefined) {
      history.replaceState(history.state, "", location.pathname + notice.dataset.clean + location.hash);
    }
    const params = new URLSearchParams(location.search);
    const wanted = params.has("layers") ? new Set(params.get("layers").split(",")) : null;
    const overlays = {};
    // The overlays hold nothing: switching one on or off changes what the tiles are asked for.
    // The control is off the map while they are added: on the map, each addition would rebuild
    // its whole list and measure it again (a layout of the page per overlay).
    control.remove();
    for (const overlay of data.overlays) {
      const group = L.layerGroup();
      if (!wanted || wanted.has(overlay.id)) group.addTo(map);
      control.addOverlay(group, overlay.label);
      overlays[overlay.id] = group;
    }
    control.addTo(map);
    const view = data.view;
    map.fitBounds(view.bounds, view.options);
    // The layer list is where "Skip to the map's layers" leads.
    const controls = control.getContainer();
    controls.id = "map-controls";
    controls.tabIndex = -1;
    const right = (controls.offsetWidth || 0) + 20;
    const popup = { ...data.popup, autoPanPaddingTopLeft: [56, 12], autoPanPaddingBottomRight: [right, 12] };
    const tiles = window.mapappTilesAttach(map, { popup, tooltip: data.tooltip, state: location.search });

    /** Open a feature's popup once the tiles draw it; if it is in a cluster, zoom in on
     * ``at`` (its bounds) until it is drawn (unless ``zoomIn`` is false). Resolves to
     * whether it opened. */
    async function open(id, { autoPan = true, at = null, zoomIn = true } = {}) {
      for (let tries = 0; tries < 6; tries++) {
        await settled(tiles);
        const group = tiles.feature(id);
        if (group) {
          const target = group.getPopup();
          const before = target.options.autoPan;
          target.options.autoPan = autoPan;
          if (!group.isPopupOpen()) group.openPopup();
          target.options.autoPan = before;
          return true;
        }
        if (!zoomIn || !at || map.getZoom() >= map.getMaxZoom()) return false;
        const centre = L.latLngBounds(at).getCenter();
        map.setView(centre, Math.min(map.getZoom() + 2, map.getMaxZoom()), { animate: false });
      }
      return false;
    }

    window.mapappRegistry = { map, control, overlays, tiles, badge: data.badge, open, popup: tiles.layer.options.popup };
    if (view.open) open(view.open, { autoPan: false, at: view.bounds });
  };
})();
