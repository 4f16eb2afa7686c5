// Draw the map by the tile: only what is visible, fetched from /api/map/tiles/z/x/y.json.
//
// A Leaflet GridLayer whose tiles are empty placeholders: for each visible tile it fetches the
// tile's JSON for the map's state (mapapp/web/map_tiles.py), then draws the features in it with
// the same drawing specs as mapdraw.js (built server-side by mapapp/mapview/tiles.py, every
// text escaped once there), or the tile's clusters: a count that zooms to the cluster's bounds
// when clicked. A feature that several tiles hold (a road across two) is drawn once. Popups are
// fetched from the server when first opened, as on the full map.
//
// Requests are gathered (Leaflet asks for a view's tiles in one go, once the view has stopped
// moving, and they are sent together after it), a tile's stale request is aborted when the tile leaves the view or
// the state changes, and answers are cached per URL (the browser revalidates them with ETags).
//
// Lines and areas come from /api/map/shapes/z/x/y.json by 2048-pixel square instead (a second
// layer of the same kind), so that a route across a view is sent once, not once a tile.
//
// window.mapappTilesAttach(map, options) adds both layers to a map and sets window.mapappTiles:
//   { layer, shapes, setState(params), loaded (Promise: the first view drawn), idle()
//     (Promise: the current view drawn), busy (flag), feature(id), ids(), open(id) }.
// The map's container carries data-tiles="loading" or "ready".
(function () {
  "use strict";

  /** The query parameters of the map's state (mapapp/query/viewfilter.py: STATE_PARAMS). */
  const STATE_PARAMS = ["layers", "from", "to", "type", "article", "sentence"];
  const PANES = { "mapapp-regions": 250, "mapapp-areas": 380 };
  const POPUP = {
    url: "/map/popups/",
    loading: "Loading…",
    failed: "Could not load this feature's details",
    maxWidth: 380,
    minWidth: 260,
    maxHeight: 420,
    className: "fp-popup",
  };
  const TOOLTIP = { className: "mf-tooltip", sticky: true };

  // -- drawing one feature -----------------------------------------------------------------
  /** Parsed icon HTML by its text: markers of one kind share their icon's HTML, so it is
   * parsed once and cloned (at most ``MAX_TEMPLATES`` kept, the oldest forgotten first). */
  const TEMPLATES = new Map();
  const MAX_TEMPLATES = 512;

  function iconContent(html) {
    let template = TEMPLATES.get(html);
    if (!template) {
      template = document.createElement("template");
      template.innerHTML = html; // HTML the server escaped once (mapapp/mapview/tiles.py)
      if (TEMPLATES.size >= MAX_TEMPLATES) TEMPLATES.delete(TEMPLATES.keys().next().value);
      TEMPLATES.set(html, template);
    }
    return template.content.cloneNode(true);
  }

  /** A DivIcon whose HTML is cloned from its parsed template, not parsed again. */
  const TemplateIcon = L.DivIcon.extend({
    createIcon(oldIcon) {
      const div = oldIcon && oldIcon.tagName === "DIV" ? oldIcon : document.createElement("div");
      div.replaceChildren(iconContent(this.options.html || ""));
      this._setIconStyles(div, "icon");
      return div;
    },
  });

  function part(spec) {
    if (spec.marker) {
      return L.marker(spec.marker, {
        icon: new TemplateIcon(spec.icon),
        // Not a Tab stop each: the keyboard reaches features through the list and search.
        keyboard: false,
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
        // HTML the server escaped once (mapapp/mapview/popups.py).
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

  function feature(spec, popupOptions, tooltipOptions) {
    const group = L.featureGroup();
    group.mapappId = spec.id;
    group.mapappOverlay = spec.overlay;
    const parts = spec.parts.map((p) => {
      const layer = part(p);
      layer.mapappId = spec.id; // a popup opened on the group names one of its parts
      return layer.addTo(group);
    });
    // A line is a thin target: an invisible stroke 18 px wide over it takes the pointer (SVG
    // paints a transparent stroke for pointer events). Not one of the parts: badges index them.
    for (const p of spec.parts) {
      if (p.marker || p.path === "circle" || p.path === "polygon") continue;
      const options = p.options || {};
      const hit = L.polyline(p.where, {
        pane: options.pane || "overlayPane",
        weight: 18,
        opacity: 0,
        fill: false,
        className: "mf-hit",
      });
      hit.mapappId = spec.id;
      hit.addTo(group);
    }
    group.bindTooltip(spec.tooltip, tooltipOptions);
    const { url, lang, loading, failed, ...options } = popupOptions;
    // The popup's first content is made when it first opens (most never do).
    group.bindPopup(() => {
      const waiting = document.createElement("p");
      waiting.className = "fp-loading";
      waiting.textContent = loading;
      return waiting;
    }, options);
    group.on("popupopen", (e) => loadPopup(e.popup, spec.id, popupOptions));
    group.on("add", (e) => {
      e.target.eachLayer((layer) => {
        const element = layer.getElement();
        if (element) {
          element.setAttribute("data-feature-id", spec.id);
          element.setAttribute("data-overlay", spec.overlay);
        }
      });
    });
    return { group, parts };
  }

  /** Open a redrawn feature's popup again, where it stands (no panning). */
  function reopen(group) {
    const popup = group.getPopup();
    const before = popup.options.autoPan;
    popup.options.autoPan = false;
    group.openPopup();
    popup.options.autoPan = before;
  }

  // -- the state in a URL ------------------------------------------------------------------
  /** Return the state parameters of ``params`` (URLSearchParams, a query string, or an
   * object whose values are strings or arrays) as a canonical query string. */
  function stateQuery(params) {
    let source;
    if (params instanceof URLSearchParams) source = params;
    else if (typeof params === "string") source = new URLSearchParams(params);
    else {
      source = new URLSearchParams();
      for (const [key, value] of Object.entries(params || {})) {
        if (value === null || value === undefined) continue;
        source.set(key, Array.isArray(value) ? value.join(",") : String(value));
      }
    }
    const out = new URLSearchParams();
    for (const key of STATE_PARAMS) {
      if (!source.has(key)) continue;
      const value = source.get(key);
      // An empty "layers" means no overlay on; other empty parameters mean no filter.
      if (key === "layers") {
        out.set(key, value.split(",").filter(Boolean).sort().join(","));
      } else if (value !== "") out.set(key, value);
    }
    return out.toString();
  }

  /** The answers by URL, at most ``budget`` characters of JSON of them, the least recently
   * used dropped first. (Beyond it the browser's HTTP cache still has them, to revalidate.) */
  class Answers {
    constructor(budget) {
      this.budget = budget;
      this.size = 0;
      this.map = new Map(); // url -> [body, size]
    }
    get(url) {
      const entry = this.map.get(url);
      if (entry === undefined) return undefined;
      this.map.delete(url);
      this.map.set(url, entry);
      return entry[0];
    }
    set(url, body, size) {
      const old = this.map.get(url);
      if (old) this.size -= old[1];
      this.map.delete(url);
      if (size > this.budget) return;
      this.map.set(url, [body, size]);
      this.size += size;
      while (this.size > this.budget) {
        const [oldest, [, dropped]] = this.map.entries().next().value;
        this.map.delete(oldest);
        this.size -= dropped;
      }
    }
  }

  // -- clusters ----------------------------------------------------------------------------
  function clusterSize(count) {
    if (count < 100) return 30;
    if (count < 1000) return 36;
    if (count < 10000) return 44;
    return 52;
  }

  function clusterMarker(cluster, layer) {
    const size = clusterSize(cluster.count);
    const body = document.createElement("span");
    body.className = "mapapp-cluster-count";
    body.textContent = layer._formatCount(cluster.count);
    // Styled by map.css (a class, not inline styles: a view draws hundreds of these).
    const marker = L.marker([cluster.lat, cluster.lon], {
      icon: L.divIcon({
        html: body,
        className: "mapapp-cluster",
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
      }),
      title: cluster.label,
      keyboard: false,
      riseOnHover: true,
      zIndexOffset: 1000,
    });
    marker.on("add", () => {
      const element = marker.getElement();
      element.setAttribute("aria-label", cluster.label);
      element.setAttribute("data-cluster-count", String(cluster.count));
    });
    marker.on("click", () => {
      if (layer.isPile(cluster)) listPile(cluster, marker, layer);
      else layer.zoomToCluster(cluster);
    });
    return marker;
  }

  /** A pile (a cluster whose features all stand at one position, or any cluster at the
   * deepest zoom) cannot be split by zooming in: its popup lists its features, newest first,
   * ``PILE_PAGE`` at a time; choosing one shows that feature's details in the popup. */
  const PILE_PAGE = 20;
  const PILE_MARGIN = 1e-6; // the cluster's bounds are rounded to 6 decimals

  function listPile(cluster, marker, layer) {
    const options = layer.options.popup;
    const [west, south, east, north] = cluster.bbox;
    const query = new URLSearchParams(layer.getState());
    query.set("bbox", [west - PILE_MARGIN, south - PILE_MARGIN, east + PILE_MARGIN,
      north + PILE_MARGIN].map((v) => v.toFixed(7)).join(","));
    query.set("limit", String(PILE_PAGE));
    query.set("lang", layer.options.lang);
    const box = document.createElement("div");
    box.className = "pile";
    const heading = document.createElement("p");
    heading.className = "pile-head";
    heading.textContent = (options.here || "{n}").replace("{n}", layer._formatCount(cluster.count));
    const list = document.createElement("ul");
    list.className = "pile-list";
    const more = document.createElement("button");
    more.type = "button";
    more.className = "pile-more";
    more.textContent = options.more || "More";
    more.hidden = true;
    box.append(heading, list, more);
    const { url, lang, loading, failed, here, more: _more, ...popupOptions } = options;
    const popup = L.popup(popupOptions).setLatLng(marker.getLatLng()).setContent(box);
    popup.openOn(layer._map);

    function show(id) {
      const holder = document.createElement("p");
      holder.className = "fp-loading";
      holder.textContent = loading;
      popup.setContent(holder);
      fetch(`${url}${encodeURIComponent(id)}?lang=${encodeURIComponent(lang)}`, {
        headers: { Accept: "application/json" },
      })
        .then((response) => {
          if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
          return response.json();
        })
        .then((body) => popup.setContent(body.html)) // HTML the server escaped once
        .catch((error) => {
          holder.className = "fp-error";
          holder.textContent = `${failed} (${error.message})`;
        });
    }

    function page(offset) {
      query.set("offset", String(offset));
      more.hidden = true;
      fetch(`/api/map/features?${query}`, { headers: { Accept: "application/json" } })
        .then((response) => {
          if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
          return response.json();
        })
        .then((body) => {
          for (const record of body.features) {
            const item = document.createElement("li");
            const choose = document.createElement("button");
            choose.type = "button";
            choose.dataset.featureId = record.id;
            choose.textContent = record.when ? `${record.name} · ${record.when}` : record.name;
            choose.addEventListener("click", (event) => {
              // The list leaves the popup: the click must not reach the map (which would take
              // it for a click beside the popup, and close it).
              L.DomEvent.stop(event);
              show(record.id);
            });
            item.append(choose);
            list.append(item);
          }
          const shown = offset + body.features.length;
          more.hidden = !(shown < body.total && body.features.length);
          more.onclick = () => page(shown);
          popup.update();
        })
        .catch((error) => {
          const note = document.createElement("p");
          note.className = "fp-error";
          note.textContent = `${failed} (${error.message})`;
          box.append(note);
        });
    }
    page(0);
  }

  // -- the layer ---------------------------------------------------------------------------
  const TileFeatures = L.GridLayer.extend({
    options: {
      tileSize: 256,
      minNativeZoom: 0,
      maxNativeZoom: 22,
      updateWhenIdle: true,
      updateWhenZooming: false,
      keepBuffer: 1,
      className: "mapapp-tiles",
      /** Where the tiles are: + "z/x/y.json?<state>&lang=". */
      url: "/api/map/tiles/",
      /** The language of names and labels (default: the popups', else English). */
      lang: null,
      /** The state (see stateQuery): what the map shows. */
      state: "",
      /** Called with true or false when the layer starts or stops loading. */
      onBusy: null,
      /** How much JSON to keep parsed (characters): the answers seen last. */
      cacheBudget: 16 * 1024 * 1024,
      /** As mapdraw.drawing()'s "popup": where popups are, their texts, Leaflet's options. */
      popup: {},
      tooltip: {},
    },

    initialize(options) {
      L.setOptions(this, options);
      const popup = { ...POPUP, ...this.options.popup };
      this.options.lang = this.options.lang || popup.lang || "en";
      popup.lang = popup.lang || this.options.lang;
      this.options.popup = popup;
      this.options.tooltip = { ...TOOLTIP, ...this.options.tooltip };
      this._state = stateQuery(this.options.state);
      this._answers = new Answers(this.options.cacheBudget);
      this._records = new Map(); // "z/x/y" (wrapped) -> what that tile drew
      this._drawn = new Map(); // feature id -> { group, parts, refs, sig, badge }
      this._queue = new Set();
      this._flushQueued = false;
      this._inflight = 0;
      this._waiting = [];
      this._features = L.featureGroup();
      this._clusters = L.featureGroup();
      this._numbers = null;
      this.on("tileunload", (e) => {
        const record = e.tile && e.tile.mapappRecord;
        if (record) this._release(record);
      });
    },

    onAdd(map) {
      for (const [name, zIndex] of Object.entries(PANES)) {
        if (!map.getPane(name)) map.createPane(name).style.zIndex = String(zIndex);
      }
      this._features.addTo(map);
      this._clusters.addTo(map);
      this._setBusy(true);
      L.GridLayer.prototype.onAdd.call(this, map);
      this._settle();
    },

    getEvents() {
      // After GridLayer has set the zoom of its tiles (and reused any it kept), revive ours.
      const events = L.GridLayer.prototype.getEvents.call(this);
      for (const name of ["moveend", "viewreset"]) {
        const theirs = events[name];
        events[name] = function (e) {
          if (theirs) theirs.call(this, e);
          this._revive();
        };
      }
      return events;
    },

    onRemove(map) {
      L.GridLayer.prototype.onRemove.call(this, map);
      for (const record of this._records.values()) this._drop(record);
      this._records.clear();
      this._queue.clear();
      this._flushQueued = false; // a flush still to come finds no record to fetch
      map.removeLayer(this._features);
      map.removeLayer(this._clusters);
    },

    /** Show another state: every tile in view is fetched again (from the cache if seen). */
    setState(params) {
      const query = stateQuery(params);
      if (query === this._state) return;
      this._state = query;
      for (const record of this._records.values()) {
        if (record.coords.z === this._tileZoom) this._request(record);
        else this._retire(record); // a zoom Leaflet is about to prune: not worth fetching
      }
      this._settle();
    },

    getState() {
      return this._state;
    },

    tileUrl(coords) {
      const query = new URLSearchParams(this._state);
      query.set("lang", this.options.lang);
      return `${this.options.url}${coords.z}/${coords.x}/${coords.y}.json?${query}`;
    },

    createTile(coords, done) {
      this._started = true;
      const element = document.createElement("div");
      element.setAttribute("aria-hidden", "true");
      element.style.pointerEvents = "none";
      const key = `${coords.z}/${coords.x}/${coords.y}`;
      let record = this._records.get(key);
      if (record) record.users += 1;
      else {
        record = {
          key,
          coords: { x: coords.x, y: coords.y, z: coords.z },
          users: 1,
          ids: new Set(),
          clusters: [],
          url: null, // what is drawn
          pending: null, // what is asked for
          controller: null,
          ready: false,
          waiters: [],
        };
        this._records.set(key, record);
        this._request(record);
      }
      element.mapappRecord = record;
      const finish = () => done(null, element);
      if (record.ready) setTimeout(finish, 0);
      else record.waiters.push(finish);
      this._settle();
      return element;
    },

    /** True if zooming in cannot split ``cluster``: its features stand at one position, or
     * the map is at its deepest zoom. */
    isPile(cluster) {
      const [west, south, east, north] = cluster.bbox;
      const map = this._map;
      const deepest = map && map.getZoom() >= map.getMaxZoom();
      return deepest || (east - west <= 1e-9 && north - south <= 1e-9);
    },

    /** Zoom to a cluster's features: its bounds, or (one position) three levels closer. */
    zoomToCluster(cluster) {
      const map = this._map;
      if (!map) return;
      const [west, south, east, north] = cluster.bbox;
      const bounds = L.latLngBounds([south, west], [north, east]);
      let zoom = map.getZoom() + 3;
      if (east - west > 1e-9 || north - south > 1e-9) {
        zoom = Math.max(map.getBoundsZoom(bounds, false, L.point(48, 48)), map.getZoom() + 1);
      }
      map.setView(bounds.getCenter(), Math.min(zoom, map.getMaxZoom()));
    },

    /** Return the feature group of a feature drawn now (undefined if it is not). */
    feature(id) {
      const drawn = this._drawn.get(id);
      return drawn && drawn.group;
    },

    ids() {
      return [...this._drawn.keys()];
    },

    /** Return [feature id, marker, position key, precision] of every badge drawn now. */
    badges() {
      const out = [];
      for (const [id, drawn] of this._drawn) if (drawn.badge) out.push([id, ...drawn.badge]);
      return out;
    },

    clusters() {
      return [...this._records.values()].flatMap((r) => r.clusters.map((c) => c.mapappCluster));
    },

    /** Return a promise that resolves once every tile in view shows the current state. */
    idle() {
      // Before Leaflet has made the first tiles, the first view is still to be drawn.
      if (this._started && !this._isBusy()) return Promise.resolve();
      return new Promise((resolve) => this._waiting.push(resolve));
    },

    // -- loading ---------------------------------------------------------------------------
    _isBusy() {
      if (this._flushQueued || this._inflight > 0 || this._queue.size > 0) return true;
      for (const record of this._records.values()) if (record.pending) return true;
      return false;
    },

    _request(record) {
      record.retired = false;
      const url = this.tileUrl(record.coords);
      if (record.pending === url) return;
      if (record.controller) record.controller.abort();
      record.controller = null;
      this._queue.delete(record);
      if (record.url === url) {
        record.pending = null;
        this._loaded(record);
        return;
      }
      const cached = this._answers.get(url);
      if (cached !== undefined) {
        record.pending = null;
        this._apply(record, cached, url);
        return;
      }
      record.pending = url;
      this._queue.add(record);
      if (!this._flushQueued) {
        // Leaflet asks for every tile of a view in one task, once the view has stopped moving
        // (updateWhenIdle): they are sent as soon as that task ends, together; a timer would
        // wait for the page's other work first.
        this._flushQueued = true;
        queueMicrotask(() => this._flush());
      }
    },

    _flush() {
      this._flushQueued = false;
      const queued = [...this._queue];
      this._queue.clear();
      for (const record of queued) this._fetch(record);
      this._settle();
    },

    _fetch(record) {
      const url = record.pending;
      if (!url || this._records.get(record.key) !== record) return;
      const controller = new AbortController();
      record.controller = controller;
      this._inflight += 1;
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then((response) => {
          if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
          return response.text();
        })
        .then((text) => {
          const body = JSON.parse(text);
          this._answers.set(url, body, text.length);
          if (record.pending !== url || this._records.get(record.key) !== record) return;
          record.pending = null;
          record.controller = null;
          this._apply(record, body, url);
        })
        .catch((error) => {
          if (error.name === "AbortError") return;
          if (record.pending !== url) return;
          record.pending = null;
          record.controller = null;
          this.fire("tileerror", { coords: record.coords, error });
          this._loaded(record);
        })
        .finally(() => {
          this._inflight -= 1;
          this._settle();
        });
    },

    _loaded(record) {
      record.ready = true;
      const waiters = record.waiters;
      record.waiters = [];
      for (const finish of waiters) finish();
    },

    // -- drawing ---------------------------------------------------------------------------
    _apply(record, body, url) {
      const next = new Set();
      const badges = new Map((body.badges || []).map(([id, index, at, precision]) => [
        id,
        [index, at, precision],
      ]));
      for (const spec of body.features) {
        next.add(spec.id);
        this._acquire(spec, record.ids.has(spec.id), badges.get(spec.id));
      }
      for (const id of record.ids) if (!next.has(id)) this._unref(id);
      record.ids = next;
      for (const marker of record.clusters) this._clusters.removeLayer(marker);
      record.clusters = body.clusters.map((cluster) => {
        const marker = clusterMarker(cluster, this);
        marker.mapappCluster = cluster;
        return marker.addTo(this._clusters);
      });
      record.url = url;
      this._loaded(record);
      this.fire("tiledrawn", { coords: record.coords, total: body.total });
    },

    /** Draw a feature, or count one more tile showing it (``held``: this tile had it). */
    _acquire(spec, held, badge) {
      const sig = JSON.stringify(spec);
      let drawn = this._drawn.get(spec.id);
      if (drawn && drawn.sig !== sig) {
        // Drawn differently now (another state crowds its place differently): redraw it,
        // its popup open again if it was.
        const open = drawn.group.isPopupOpen();
        this._features.removeLayer(drawn.group);
        const fresh = feature(spec, this._popupOptions(), this.options.tooltip);
        Object.assign(drawn, fresh, { sig });
        drawn.badge = badge ? [fresh.parts[badge[0]], badge[1], badge[2]] : null;
        this._features.addLayer(drawn.group);
        if (open) reopen(drawn.group);
      }
      if (!drawn) {
        const fresh = feature(spec, this._popupOptions(), this.options.tooltip);
        drawn = { ...fresh, refs: 0, sig };
        drawn.badge = badge ? [fresh.parts[badge[0]], badge[1], badge[2]] : null;
        this._drawn.set(spec.id, drawn);
        this._features.addLayer(drawn.group);
      }
      if (!held) drawn.refs += 1;
    },

    _unref(id) {
      const drawn = this._drawn.get(id);
      if (!drawn) return;
      drawn.refs -= 1;
      if (drawn.refs > 0) return;
      if (drawn.group.isPopupOpen()) {
        // No tile holds it now (a zoom, a pan), but its popup is open: it stays until the
        // popup closes, unless a tile holds it again by then.
        drawn.group.once("popupclose", () => {
          if (this._drawn.get(id) === drawn && drawn.refs <= 0) {
            this._features.removeLayer(drawn.group);
            this._drawn.delete(id);
          }
        });
        return;
      }
      this._features.removeLayer(drawn.group);
      this._drawn.delete(id);
    },

    /** A tile left the view: forget what only it drew. */
    _release(record) {
      record.users -= 1;
      if (record.users > 0) return;
      this._drop(record);
      if (this._records.get(record.key) === record) this._records.delete(record.key);
      this._settle();
    },

    _drop(record) {
      if (record.controller) record.controller.abort();
      record.controller = null;
      record.pending = null;
      this._queue.delete(record);
      for (const id of record.ids) this._unref(id);
      record.ids = new Set();
      for (const marker of record.clusters) this._clusters.removeLayer(marker);
      record.clusters = [];
      record.waiters = [];
    },

    _popupOptions() {
      return this.options.popup;
    },

    _formatCount(count) {
      if (!this._numbers) {
        try {
          this._numbers = new Intl.NumberFormat(this.options.lang, {
            notation: "compact",
            maximumFractionDigits: 1,
          });
        } catch (error) {
          this._numbers = new Intl.NumberFormat();
        }
      }
      return this._numbers.format(count);
    },

    _setBusy(busy) {
      this._busy = busy;
      if (this.options.onBusy) this.options.onBusy(busy);
      else if (this._map) this._map.getContainer().dataset.tiles = busy ? "loading" : "ready";
    },

    /** Once the tiles of the zoom shown are drawn, take those of other zooms off the map at
     * once: Leaflet keeps them a moment longer (as placeholders), but their clusters and
     * points would stand beside the new ones. */
    _retireOtherZooms() {
      for (const record of this._records.values()) {
        if (record.coords.z !== this._tileZoom) this._retire(record);
      }
    },

    _retire(record) {
      if (record.retired) return;
      this._drop(record);
      record.url = null;
      record.retired = true;
    },

    /** Back at a zoom whose tiles Leaflet still keeps: draw them again (from the cache). */
    _revive() {
      let revived = false;
      for (const record of this._records.values()) {
        if (record.retired && record.coords.z === this._tileZoom) {
          this._request(record);
          revived = true;
        }
      }
      if (revived) this._settle();
    },

    /** Tell who waits that the view is drawn, once nothing is queued or in flight. */
    _settle() {
      const busy = this._isBusy() || !this._started;
      this._setBusy(busy);
      if (busy) return;
      this._retireOtherZooms();
      const waiting = this._waiting;
      this._waiting = [];
      for (const resolve of waiting) resolve();
      this.fire("idle");
    },
  });

  L.MapappTiles = TileFeatures;
  L.mapappTiles = (options) => new TileFeatures(options);

  /** Add the tiled features to ``map`` and expose them as window.mapappTiles. */
  window.mapappTilesAttach = function (map, options) {
    // Two layers of the same kind: the points by 256-pixel tile (features or clusters), and
    // the lines and areas by 2048-pixel square (a route crossing a view is sent once or
    // twice, not once a tile). The map's container says "ready" when both are.
    const container = map.getContainer();
    const layers = [];
    const onBusy = () => {
      const busy = layers.length < 2 || layers.some((l) => l._busy !== false);
      container.dataset.tiles = busy ? "loading" : "ready";
    };
    const layer = new TileFeatures({ ...(options || {}), onBusy });
    const shapes = new TileFeatures({
      ...(options || {}),
      onBusy,
      url: (options && options.shapesUrl) || "/api/map/shapes/",
      tileSize: 2048,
    });
    layers.push(layer, shapes);
    layer.addTo(map);
    shapes.addTo(map);
    const idle = () => Promise.all(layers.map((l) => l.idle())).then(() => undefined);
    const api = {
      layer,
      shapes,
      map,
      loaded: idle(),
      idle,
      setState: (params) => {
        for (const l of layers) l.setState(params);
        return idle();
      },
      get busy() {
        return layers.some((l) => l._isBusy());
      },
      feature: (id) => layer.feature(id) || shapes.feature(id),
      ids: () => [...layer.ids(), ...shapes.ids()],
      badges: () => [...layer.badges(), ...shapes.badges()],
      clusters: () => layer.clusters(),
      /** Open a drawn feature's popup; false if it is not drawn. */
      open(id) {
        const group = layer.feature(id) || shapes.feature(id);
        if (!group) return false;
        group.openPopup();
        return true;
      },
    };
    window.mapappTiles = api;
    return api;
  };
})();
