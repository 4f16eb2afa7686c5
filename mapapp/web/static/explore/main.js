// The map page's explorer: time window, filters, search, list, shareable URL, downloads.
// It drives the map mapdraw.js set up (window.mapappRegistry: the layer control's overlays
// and the tiles that draw what is visible) and asks the server what the state shows
// (/api/map/features: counts, the list, search); the URL's query string carries the state.
import { filterParams, fold, parseQuery, toQuery } from "./state.js";
import { TimeBar } from "./timebar.js";
import { EventList } from "./eventlist.js";
import { Search } from "./search.js";

const FOCUS_MAX_ZOOM = 12; // as mapview: a point is framed at this zoom at most
// A country's label point within about 2,000 km of the places given precisely is framed
// with them; farther, it says nothing of where the text's things are.
const NEAR_DEGREES = 20;
const PAGE = 200; // the most records one request of the list asks for (the API's limit)
const NARROW = window.matchMedia("(max-width: 760px)");

const registry = window.mapappRegistry;
const data = JSON.parse(document.getElementById("explore-data").textContent);
// A shared link with parts the page ignored (malformed, or naming nothing here): mapdraw.js
// wrote the address back without them; the notice says what they were.
const notice = document.getElementById("url-notice");
// A skip link moves the keyboard's focus, not only the view, to where it leads.
for (const link of document.querySelectorAll(".skip-link")) {
  link.addEventListener("click", (e) => {
    const target = document.querySelector(link.getAttribute("href"));
    if (!target) return;
    e.preventDefault();
    // The list: its current row (the one Tab reaches); anything else: itself.
    const into = target.getAttribute("role") === "listbox" ? target.querySelector('[tabindex="0"]') : null;
    if (target.id === "map-controls") setLayers(true); // the layers, open to choose from
    if (!into && !target.hasAttribute("tabindex") && target.tabIndex < 0) target.tabIndex = -1;
    (into || target).focus();
  });
}
if (notice) document.getElementById("url-notice-close").addEventListener("click", () => notice.remove());
const map = registry.map;
const tiles = registry.tiles;
const overlayIds = Object.keys(registry.overlays);
const eventOverlays = overlayIds.filter((id) => id.startsWith("events-"));
const lang = new URLSearchParams(location.search).get("lang");
const byId = new Map(); // records seen in the list and in search results
const $ = (selector) => document.querySelector(selector);

let state = parseQuery(location.search);
let applying = false; // true while the page follows the URL: no history entry then
let pendingPush = null;

// -- the server ---------------------------------------------------------------------------

/** Return a page of the features a state shows (``params``: URLSearchParams), as the API
 * gives it: {total, features}. */
async function features(params, { limit = PAGE, offset = 0, q = null } = {}) {
  const query = new URLSearchParams(params);
  query.set("limit", String(limit));
  if (offset) query.set("offset", String(offset));
  if (q) query.set("q", q);
  query.set("lang", data.lang);
  const response = await fetch(`/api/map/features?${query}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  const body = await response.json();
  for (const record of body.features) byId.set(record.id, record);
  return body;
}

/** The state's filter parameters, with "layers" always given when ``overlays`` is. */
function stateParams(s, overlays = null) {
  const params = filterParams(s, overlayIds);
  if (overlays) params.set("layers", overlays.join(","));
  return params;
}

/** The event overlays the state shows. */
function eventsOn(s) {
  return eventOverlays.filter((id) => !s.overlays || s.overlays.has(id));
}

// -- the URL ------------------------------------------------------------------------------

/** Record the state in the URL: a new history entry if ``push``, else replace the current one.
 * Changes made in one turn (a popup closing as another opens) make one entry. */
function writeUrl(push) {
  if (applying) return;
  if (pendingPush !== null) {
    pendingPush = pendingPush || push;
    return;
  }
  pendingPush = push;
  setTimeout(() => {
    const url = location.pathname + toQuery(state, overlayIds, lang) + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history[pendingPush ? "pushState" : "replaceState"](null, "", url);
    }
    pendingPush = null;
    refreshLinks();
  }, 0);
}

function refreshLinks() {
  // Switching language keeps the view; downloading "what is shown" sends the filters.
  for (const link of document.querySelectorAll(".lang-switch a[hreflang]")) {
    link.href = location.pathname + toQuery(state, overlayIds, link.getAttribute("hreflang"));
  }
  const params = filterParams(state, overlayIds).toString().replace(/%2C/g, ",");
  for (const link of document.querySelectorAll("a[data-view-format]")) {
    link.href = `/download/view.${link.dataset.viewFormat}${params ? `?${params}` : ""}`;
  }
}

// -- what shows ---------------------------------------------------------------------------

function overlaysOn() {
  const on = overlayIds.filter((id) => map.hasLayer(registry.overlays[id]));
  return on.length === overlayIds.length ? null : new Set(on);
}

function setOverlays(wanted) {
  for (const id of overlayIds) {
    const group = registry.overlays[id];
    const on = !wanted || wanted.has(id);
    if (on && !map.hasLayer(group)) map.addLayer(group);
    if (!on && map.hasLayer(group)) map.removeLayer(group);
  }
}

/** Ask the tiles for the state, and bring the list and the counts up to date. */
function applyFilters() {
  tiles.setState(filterParams(state, overlayIds));
  return refreshShown();
}

let shownTurn = 0;

/** Bring everything that depends on what shows up to date: list, counts, panels. */
async function refreshShown() {
  const turn = ++shownTurn;
  $("#filter-type").value = state.type || "";
  $("#filter-article").value = state.article || "";
  $("#sentence-filter").hidden = !state.sentence;
  const on = eventsOn(state);
  const snapshot = { ...state };
  // The map's first view goes first: its tiles are what the reader waits for.
  await tiles.loaded;
  if (turn !== shownTurn) return;
  try {
    const [listed, shown] = await Promise.all([
      on.length ? features(stateParams(snapshot, on)) : Promise.resolve({ total: 0, features: [] }),
      features(stateParams(snapshot), { limit: 1 }),
      countOverlays(snapshot, turn),
    ]);
    if (turn !== shownTurn) return;
    list.update(listed.features, listed.total, data.events);
    list.highlight(state.sel);
    $("#view-count").textContent = $("#view-count").dataset.template.replace("{n}", shown.total);
    $("#view-count").dataset.count = shown.total;
    document.body.dataset.shown = shown.total;
  } catch (error) {
    if (turn === shownTurn) console.warn(`${data.messages.failed}: ${error.message}`);
  }
}

/** Show in the layer list how many of each overlay's features pass the window and filters
 * (the store's counts when nothing filters). */
async function countOverlays(s, turn) {
  const filtered = Boolean(s.from || s.to || s.type || s.article || s.sentence);
  const counts = {};
  await Promise.all(
    overlayIds.map(async (id) => {
      counts[id] = filtered ? (await features(stateParams(s, [id]), { limit: 1 })).total : data.counts[id] || 0;
    }),
  );
  if (turn !== shownTurn) return;
  for (const label of document.querySelectorAll(".leaflet-control-layers-overlays .ov[data-overlay]")) {
    const total = data.counts[label.dataset.overlay] || 0;
    const passing = counts[label.dataset.overlay] ?? total;
    const count = label.querySelector(".ov-count");
    count.textContent = passing < total ? `${passing}/${total}` : total;
    label.classList.toggle("ov-filtered", filtered && passing < total);
    label.classList.toggle("ov-none", passing === 0);
  }
}

/** Name what a time window would show (for play to skip the steps that change nothing). */
async function shownKey(from, to) {
  const body = await features(stateParams({ ...state, from, to }), { limit: 50 });
  return `${body.total} ${body.features.map((r) => r.id).join(" ")}`;
}

// -- selection ----------------------------------------------------------------------------

/** Make a feature show: its overlay on and, if the filters hide it, the filters cleared. */
function reveal(record) {
  if (state.overlays && !state.overlays.has(record.overlay)) map.addLayer(registry.overlays[record.overlay]);
  if (record.hidden) {
    Object.assign(state, { from: null, to: null, type: null, article: null, sentence: null });
    timebar.set(null, null);
    applyFilters();
    writeUrl(true);
  }
}

/** Jump to a feature: show it, frame it, open its popup. An event the text does not place
 * has no marker: its details open beside the list instead. */
function jumpTo(id) {
  const record = byId.get(id);
  if (!record) return;
  if (!record.bounds) {
    showDetails(record);
    return;
  }
  hideDetails();
  reveal(record);
  // On a phone the map is above the list: bring it back into sight.
  if (NARROW.matches) $(".map-frame").scrollIntoView({ block: "start" });
  frame(record.bounds);
  registry.open(id, { autoPan: true, at: record.bounds });
}

// The details of an event drawn nowhere: the same content as a popup (HTML the server
// escaped once, mapapp/mapview/popups.py), in a panel under the list.
const details = $("#unplaced-details");
let detailsTurn = 0;

async function showDetails(record) {
  const turn = ++detailsTurn;
  map.closePopup();
  const body = $("#unplaced-body");
  body.replaceChildren();
  details.hidden = false;
  details.dataset.featureId = record.id;
  state.sel = record.id;
  list.highlight(record.id);
  writeUrl(true);
  try {
    const url = `${registry.popup.url}${encodeURIComponent(record.id)}?lang=${encodeURIComponent(data.lang)}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const answer = await response.json();
    if (turn !== detailsTurn) return;
    body.innerHTML = answer.html;
  } catch (error) {
    if (turn !== detailsTurn) return;
    const note = document.createElement("p");
    note.className = "fp-error";
    note.textContent = `${registry.popup.failed} (${error.message})`;
    body.replaceChildren(note);
  }
  if (NARROW.matches) details.scrollIntoView({ block: "start" });
  $("#unplaced-title").focus({ preventScroll: !NARROW.matches });
}

function hideDetails() {
  if (details.hidden) return;
  detailsTurn++;
  details.hidden = true;
  const id = details.dataset.featureId;
  delete details.dataset.featureId;
  if (state.sel === id) {
    state.sel = null;
    list.highlight(null);
    writeUrl(false);
  }
}
$("#unplaced-close").addEventListener("click", () => {
  const id = details.dataset.featureId;
  hideDetails();
  if (id && list.rowOf(id)) list.rowOf(id).focus();
});

// -- the panels on the map: the layer list and the legend ----------------------------------
// Both start folded, so the map is seen first; a reader who opens or folds one is
// remembered (localStorage) for the next visit. An open popup is never under a panel: on a
// phone a popup folds them, elsewhere a panel folds if the popup, once panned into view,
// would be under it. A popup closing opens nothing again.
const legend = $("#map-legend");
const control = registry.control;
const PANELS_KEY = "mapapp.panels";

function storedPanels() {
  try {
    const stored = JSON.parse(localStorage.getItem(PANELS_KEY) || "{}");
    return stored && typeof stored === "object" ? stored : {};
  } catch (error) {
    return {}; // storage off (a private window) or not ours: the defaults
  }
}

function rememberPanel(name, open) {
  try {
    localStorage.setItem(PANELS_KEY, JSON.stringify({ ...storedPanels(), [name]: open }));
  } catch (error) {
    // storage off: the choice lasts as long as the page
  }
}

const controlBox = control.getContainer();
const layersLink = control._layersLink;

function layersOpen() {
  return controlBox.classList.contains("leaflet-control-layers-expanded");
}

function setLayers(open) {
  if (open) control.expand();
  else control.collapse();
  layersLink.setAttribute("aria-expanded", String(open));
  padPopups();
}

// A fold button heads the open list; the folded control is Leaflet's toggle (its icon).
const foldButton = document.createElement("button");
foldButton.type = "button";
foldButton.className = "layers-fold";
foldButton.textContent = "×";
label(foldButton, data.messages.fold);
foldButton.setAttribute("aria-controls", "map-controls");
foldButton.addEventListener("click", () => {
  setLayers(false);
  rememberPanel("layers", false);
  layersLink.focus();
});
control._section.prepend(foldButton);
layersLink.setAttribute("aria-controls", "map-controls");
layersLink.addEventListener("click", () => {
  // Leaflet's own handler has opened the list.
  rememberPanel("layers", true);
  setLayers(true);
});
legend.querySelector("summary").addEventListener("click", () => {
  // The click's default action toggles the details after this handler.
  rememberPanel("legend", !legend.open);
});

/** Fold the panels a popup's box meets (all of them on a phone); a folded one it still
 * meets (the legend's title, the layers' button) is hidden until the popup closes. */
function clearPopup(popup) {
  const element = popup && popup.getElement();
  if (!element || !map.hasLayer(popup)) return;
  if (NARROW.matches) foldPanels();
  const box = element.getBoundingClientRect();
  const meets = (panel) => {
    const r = panel.getBoundingClientRect();
    return r.width > 0 && r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom;
  };
  if (layersOpen() && meets(controlBox)) setLayers(false);
  if (legend.open && meets(legend)) legend.open = false;
  for (const panel of [controlBox, legend]) {
    if (meets(panel)) panel.classList.add("under-popup");
  }
}

function unhidePanels() {
  for (const panel of [controlBox, legend]) panel.classList.remove("under-popup");
}

const sourceId = (popup) => popup && popup._source && popup._source.mapappId;
let afterPan = null;

map.on("popupopen", (e) => {
  label(e.popup.getElement().querySelector(".leaflet-popup-close-button"), data.messages.close);
  unhidePanels();
  if (NARROW.matches) foldPanels(); // before the popup is fitted to the room left
  fitPopup(e.popup);
  clearPopup(e.popup);
  // Where the popup stands once its pan (if any) has ended.
  if (afterPan) map.off("moveend", afterPan);
  afterPan = () => {
    map.off("moveend", afterPan);
    afterPan = null;
    clearPopup(e.popup);
  };
  map.on("moveend", afterPan);
  const id = sourceId(e.popup);
  if (!id) return;
  hideDetails();
  state.sel = id;
  list.highlight(id);
  writeUrl(true);
});
map.on("popupclose", (e) => {
  if (afterPan) map.off("moveend", afterPan);
  afterPan = null;
  unhidePanels();
  const id = sourceId(e.popup);
  if (!id) return;
  if (state.sel !== id) return;
  state.sel = null;
  list.highlight(null);
  writeUrl(false);
});

/** Keep a popup inside the room its pan leaves on the map: no wider or taller (a phone).
 * Its content's margins and the tip below it take about 30 and 60 pixels. */
function fitPopup(popup) {
  const size = map.getSize();
  const options = popup.options;
  const [left, top] = registry.popup.autoPanPaddingTopLeft;
  const [right, bottom] = registry.popup.autoPanPaddingBottomRight;
  const width = Math.max(160, size.x - left - right - 30);
  const height = Math.max(120, size.y - top - bottom - 60);
  const same = (a, b) => String(a) === String(b);
  if (
    options.maxWidth <= width && options.maxHeight && options.maxHeight <= height
    && same(options.autoPanPaddingTopLeft, [left, top])
    && same(options.autoPanPaddingBottomRight, [right, bottom])
  ) return;
  // The layout may have changed since the popup was made (a phone turned, the list folded).
  options.autoPanPaddingTopLeft = [left, top];
  options.autoPanPaddingBottomRight = [right, bottom];
  options.maxWidth = Math.min(options.maxWidth, width);
  options.minWidth = Math.min(options.minWidth || 50, options.maxWidth);
  options.maxHeight = Math.min(options.maxHeight || height, height);
  popup.update();
}

/** Make popups pan clear of the controls: the layer list on the right, the zoom buttons on
 * the left; on a phone, clear of the row of folded controls at the top. */
function padPopups() {
  if (NARROW.matches) {
    const top = map.getContainer().getBoundingClientRect().top;
    let below = 0; // the lowest edge of the controls along the top
    for (const c of map.getContainer().querySelectorAll(".leaflet-top .leaflet-control")) {
      below = Math.max(below, c.getBoundingClientRect().bottom - top);
    }
    registry.popup.autoPanPaddingTopLeft = [8, Math.round(below) + 8];
    registry.popup.autoPanPaddingBottomRight = [8, 8];
    return;
  }
  registry.popup.autoPanPaddingTopLeft = [56, 12];
  registry.popup.autoPanPaddingBottomRight = [controlWidth() + 20, 12];
}
padPopups();

function controlWidth() {
  return registry.control.getContainer().offsetWidth || 0;
}

// -- the controls -------------------------------------------------------------------------

const list = new EventList($("#event-list-section"), {
  lang: data.lang,
  onSelect: jumpTo,
  more: data.messages.more,
  unplaced: data.messages.unplaced,
  onMore: async (offset) => {
    const body = await features(stateParams(state, eventsOn(state)), { offset });
    return body.features;
  },
});
const timebar = new TimeBar($("#time-control"), {
  days: data.days,
  lang: data.lang,
  shownKey,
  onChange(from, to, commit) {
    Object.assign(state, { from, to });
    applyFilters();
    writeUrl(commit);
  },
});

/** Search every feature (the filters aside), marking those the state hides. */
async function find(query) {
  const limit = data.search_limit;
  const [all, shown] = await Promise.all([
    features(new URLSearchParams(), { limit, q: query }),
    features(stateParams(state), { limit: PAGE, q: query }),
  ]);
  const showing = new Set(shown.features.map((r) => r.id));
  const articles = (all.articles || []).map((a) => ({
    article: a.id,
    id: `article:${a.id}`,
    name: a.title,
    label: a.label,
    when: a.published,
  }));
  return [...all.features.map((r) => ({ ...r, hidden: !showing.has(r.id) })), ...articles];
}
new Search($("#search-input"), $("#search-results"), $("#search-none"), {
  find,
  onPick: (record) => {
    if (record.article) {
      // An article: the map opens on its places and events (however old it is).
      const url = new URL(location.pathname, location.href);
      url.searchParams.set("article", record.article);
      const lang = new URL(location.href).searchParams.get("lang");
      if (lang) url.searchParams.set("lang", lang);
      location.assign(url.href);
      return;
    }
    byId.set(record.id, record);
    jumpTo(record.id);
  },
});

function onFilter(key, value) {
  state[key] = value || null;
  applyFilters();
  writeUrl(true);
}
$("#filter-type").addEventListener("change", (e) => onFilter("type", e.target.value));
$("#filter-article").addEventListener("change", (e) => onFilter("article", e.target.value));
$("#sentence-clear").addEventListener("click", () => onFilter("sentence", null));

map.on("overlayadd overlayremove", () => {
  if (applying) return;
  state.overlays = overlaysOn();
  applyFilters();
  writeUrl(false); // switching layers is no step to go back to: the entry is replaced
});
map.on("moveend", () => {
  if (applying) return; // the view being restored stays exactly as the URL says
  const c = map.getCenter();
  state.view = { zoom: map.getZoom(), lat: c.lat, lng: c.lng };
  writeUrl(false);
});

// -- following the URL ----------------------------------------------------------------------

/** Show the state in ``state``: overlays, window, filters, then the view and the selection. */
function follow(framing) {
  applying = true;
  let ready;
  try {
    setOverlays(state.overlays);
    timebar.set(state.from, state.to);
    ready = applyFilters();
    const sel = state.sel;
    const view = state.view;
    const known = sel && data.sel && data.sel.id === sel ? data.sel : null;
    if (view) map.setView(...clampView(view), { animate: false });
    else if (framing && known && known.bounds) frame(known.bounds);
    else if (framing && (state.sentence || state.article)) ready = ready.then(frameShown); // the text's
    else if (framing && NARROW.matches) map.fitBounds(data.home, { animate: false }); // no legend below
    if (sel && known && !known.bounds) showDetails(known); // an event drawn nowhere
    else if (sel) {
      hideDetails();
      const bounds = known ? known.bounds : null;
      registry.open(sel, { autoPan: !view, at: bounds, zoomIn: !view }).then((opened) => {
        if (opened || state.sel !== sel) return;
        state.sel = null; // not shown in this state
        list.highlight(null);
        writeUrl(false);
      });
    } else {
      map.closePopup();
      hideDetails();
    }
    list.highlight(sel);
    const c = map.getCenter();
    state.view = view || { zoom: map.getZoom(), lat: c.lat, lng: c.lng };
  } finally {
    applying = false;
  }
  return ready;
}

/** A view from a link kept within the world: latitudes Web Mercator draws, longitudes
 * wrapped, the zoom within the map's. */
function clampView({ zoom, lat, lng }) {
  const y = Math.max(-85, Math.min(85, lat));
  const x = ((((lng + 180) % 360) + 360) % 360) - 180;
  const z = Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(), zoom));
  return [[y, x], z];
}

/** Frame the features the state shows (the first page of them). */
async function frameShown() {
  const shown = await features(stateParams(state));
  const placed = shown.features.filter((r) => r.bounds);
  if (!placed.length) return;
  // A country or region is drawn at a label point somewhere inside it (Russia's lies in
  // Siberia): framed only where that point is near the places given precisely.
  const precise = placed.filter((r) => r.precise);
  if (!precise.length) return frame(L.latLngBounds(placed.flatMap((r) => r.bounds)));
  const core = L.latLngBounds(precise.flatMap((r) => r.bounds));
  const near = nearBounds(core);
  const kept = placed.filter((r) => r.precise || near.contains(L.latLngBounds(r.bounds)));
  frame(L.latLngBounds(kept.flatMap((r) => r.bounds)));
}

/** Bounds widened by their own size, and by at least NEAR_DEGREES, every way. */
function nearBounds(bounds) {
  const dLat = Math.max(bounds.getNorth() - bounds.getSouth(), NEAR_DEGREES);
  const dLng = Math.max(bounds.getEast() - bounds.getWest(), NEAR_DEGREES);
  return L.latLngBounds(
    [bounds.getSouth() - dLat, bounds.getWest() - dLng],
    [bounds.getNorth() + dLat, bounds.getEast() + dLng],
  );
}

/** Frame bounds in the part of the map the layer list leaves free. */
function frame(bounds) {
  const right = NARROW.matches ? 10 : controlWidth() + 20;
  map.fitBounds(bounds, {
    maxZoom: FOCUS_MAX_ZOOM,
    animate: false,
    paddingTopLeft: [40, 20],
    paddingBottomRight: [right, 20],
  });
}

window.addEventListener("popstate", () => {
  state = parseQuery(location.search);
  follow(false);
  refreshLinks();
});

// On a phone the panels stay folded so the map stays visible; a tap opens them. Wider, they
// open as the reader left them (unless a feature, a sentence or an article is to be seen).
function foldPanels() {
  setLayers(false);
  legend.open = false;
}

function openPanels() {
  const stored = storedPanels();
  const busy = Boolean(state.sel || state.sentence || state.article);
  setLayers(stored.layers === true);
  legend.open = stored.legend === true && !busy;
}
if (NARROW.matches) foldPanels();
else openPanels();
map.on("click", () => NARROW.matches && setLayers(false));
// The layout follows the viewport (a phone turned, a window resized) as a fresh load would.
NARROW.addEventListener("change", () => {
  map.invalidateSize(); // the layout resized the map's container: Leaflet must re-measure it
  if (NARROW.matches) foldPanels();
  else openPanels();
  padPopups();
});
// Leaflet's own controls speak the page's language too.
function label(element, text) {
  if (!element) return;
  element.title = text;
  element.setAttribute("aria-label", text);
}
label(registry.control._layersLink, data.messages.layers);
label($(".leaflet-control-zoom-in"), data.messages.zoom_in);
label($(".leaflet-control-zoom-out"), data.messages.zoom_out);

// The server already framed ?focus= (mapdraw.js opens its popup): only the URL changes.
const focused = new URLSearchParams(location.search).has("focus");
const first = follow(!focused);
history.replaceState(null, "", location.pathname + toQuery(state, overlayIds, lang) + location.hash);
refreshLinks();

/** The ids of every feature a state (a query string) shows, page by page. */
async function shownFor(query) {
  const s = parseQuery(query);
  const ids = [];
  for (let offset = 0; ; offset += PAGE) {
    const body = await features(stateParams(s), { offset });
    ids.push(...body.features.map((r) => r.id));
    if (!body.features.length || ids.length >= body.total) return ids;
  }
}
// For tests and the curious: the state, and what a state (as a query string) shows.
window.mapappExplore = {
  state: () => ({ ...state, overlays: state.overlays && [...state.overlays] }),
  shownFor,
  fold,
};
Promise.all([first, tiles.loaded]).finally(() => {
  document.body.dataset.explore = "ready";
});
