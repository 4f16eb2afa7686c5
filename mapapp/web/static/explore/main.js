// The map page's explorer: time window, filters, search, list, shareable URL, downloads.
// It drives the Leaflet objects mapview registered (window.mapappRegistry) and the feature
// index the page embeds (#explore-data); the URL's query string always carries the state.
import { filterParams, fold, parseQuery, passes, shows, toQuery } from "./state.js";
import { TimeBar } from "./timebar.js";
import { EventList } from "./eventlist.js";
import { Search } from "./search.js";
import { relayoutBadges } from "./badges.js";

const FOCUS_MAX_ZOOM = 12; // as mapview: a point is framed at this zoom at most
const NARROW = window.matchMedia("(max-width: 760px)");

const registry = window.mapappRegistry;
const data = JSON.parse(document.getElementById("explore-data").textContent);
const map = registry.map;
const records = data.features;
const byId = new Map(records.map((r) => [r.id, r]));
const overlayIds = Object.keys(registry.overlays);
const events = records.filter((r) => r.layer === "events");
const lang = new URLSearchParams(location.search).get("lang");
const $ = (selector) => document.querySelector(selector);

let state = parseQuery(location.search);
let applying = false; // true while the page follows the URL: no history entry then
let pendingPush = null;

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

/** Put each feature in or out of its overlay as the time window and filters say. */
function applyFilters() {
  for (const record of records) {
    const group = registry.features[record.id];
    const overlay = registry.overlays[record.overlay];
    const want = passes(record, state);
    if (want && !overlay.hasLayer(group)) overlay.addLayer(group);
    if (!want && overlay.hasLayer(group)) overlay.removeLayer(group);
  }
  refreshShown();
}

/** Bring everything that depends on what shows up to date: badges, list, counts, panels. */
function refreshShown() {
  relayoutBadges(map, registry);
  const shown = records.filter((r) => shows(r, state));
  list.update(shown.filter((r) => r.layer === "events"), events.length);
  list.highlight(state.sel);
  $("#view-count").textContent = $("#view-count").dataset.template.replace("{n}", shown.length);
  $("#view-count").dataset.count = shown.length;
  countOverlays();
  $("#filter-type").value = state.type || "";
  $("#filter-article").value = state.article || "";
  const banner = $("#sentence-filter");
  banner.hidden = !state.sentence;
  document.body.dataset.shown = shown.length;
}

/** Show in the layer list how many of each overlay's features pass the window and filters. */
function countOverlays() {
  const filtered = Boolean(state.from || state.to || state.type || state.article || state.sentence);
  for (const label of document.querySelectorAll(".leaflet-control-layers-overlays .ov[data-overlay]")) {
    const members = records.filter((r) => r.overlay === label.dataset.overlay);
    const passing = members.filter((r) => passes(r, state)).length;
    const count = label.querySelector(".ov-count");
    count.textContent = passing < members.length ? `${passing}/${members.length}` : members.length;
    label.classList.toggle("ov-filtered", filtered && passing < members.length);
    label.classList.toggle("ov-none", passing === 0);
  }
}

function shownKey(from, to) {
  return records.filter((r) => shows(r, { ...state, from, to })).map((r) => r.id).join(" ");
}

// -- selection ----------------------------------------------------------------------------

function openPopup(id, autoPan) {
  const group = registry.features[id];
  const popup = group && group.getPopup();
  if (!popup || !map.hasLayer(group)) return;
  const before = popup.options.autoPan;
  popup.options.autoPan = autoPan;
  group.openPopup();
  popup.options.autoPan = before;
}

/** Make a feature show (its overlay on, the window and filters that hide it cleared). */
function reveal(record) {
  if (state.overlays && !state.overlays.has(record.overlay)) map.addLayer(registry.overlays[record.overlay]);
  if (!passes(record, state)) {
    if (!passes(record, { ...state, from: null, to: null })) {
      Object.assign(state, { type: null, article: null, sentence: null });
    }
    if (!passes(record, state)) Object.assign(state, { from: null, to: null });
    timebar.set(state.from, state.to);
    applyFilters();
  }
}

/** Jump to a feature: show it, frame it, open its popup. */
function jumpTo(id) {
  const record = byId.get(id);
  if (!record) return;
  reveal(record);
  // On a phone the map is above the list: bring it back into sight.
  if (NARROW.matches) $(".map-frame").scrollIntoView({ block: "start" });
  frame(record.bounds);
  openPopup(id, true);
}

// While a popup is open the legend folds away, so that it never hides the popup.
const legend = $("#map-legend");
let legendWasOpen = false;

for (const [id, group] of Object.entries(registry.features)) {
  group.on("popupopen", () => {
    state.sel = id;
    list.highlight(id);
    writeUrl(true);
    legendWasOpen = legendWasOpen || legend.open;
    legend.open = false;
  });
  group.on("popupclose", () => {
    // Unfold the legend again unless another popup opened in its place.
    setTimeout(() => {
      if (state.sel) return;
      legend.open = legend.open || legendWasOpen;
      legendWasOpen = false;
    }, 0);
    if (state.sel !== id) return;
    state.sel = null;
    list.highlight(null);
    writeUrl(false);
  });
}

/** Make popups pan clear of the layer list on the right (on a phone it is folded). */
function padPopups() {
  const right = NARROW.matches ? 12 : controlWidth() + 20;
  for (const group of Object.values(registry.features)) {
    const popup = group.getPopup();
    if (!popup) continue;
    popup.options.autoPanPaddingTopLeft = [56, 12];
    popup.options.autoPanPaddingBottomRight = [right, 12];
  }
}
padPopups();

function controlWidth() {
  return registry.control.getContainer().offsetWidth || 0;
}

// -- the controls -------------------------------------------------------------------------

const list = new EventList($("#event-list-section"), { lang: data.lang, onSelect: jumpTo });
const timebar = new TimeBar($("#time-control"), {
  records,
  lang: data.lang,
  shownKey,
  onChange(from, to, commit) {
    Object.assign(state, { from, to });
    applyFilters();
    writeUrl(commit);
  },
});
new Search($("#search-input"), $("#search-results"), $("#search-none"), { records, onPick: jumpTo });

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
  refreshShown();
  writeUrl(true);
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
  try {
    setOverlays(state.overlays);
    timebar.set(state.from, state.to);
    applyFilters();
    const sel = state.sel && byId.get(state.sel) && shows(byId.get(state.sel), state) ? state.sel : null;
    const view = state.view;
    if (view) map.setView([view.lat, view.lng], view.zoom, { animate: false });
    else if (framing && sel) frame(byId.get(sel).bounds);
    else if (framing && (state.sentence || state.article)) frameShown(); // the text's features
    else if (framing && NARROW.matches) map.fitBounds(data.home, { animate: false }); // no legend below
    if (sel && !registry.features[sel].isPopupOpen()) openPopup(sel, !view);
    if (!sel) map.closePopup();
    state.sel = sel;
    list.highlight(sel);
    const c = map.getCenter();
    state.view = view || { zoom: map.getZoom(), lat: c.lat, lng: c.lng };
  } finally {
    applying = false;
  }
}

function frameShown() {
  const shown = records.filter((r) => shows(r, state));
  if (!shown.length) return;
  frame(L.latLngBounds(shown.flatMap((r) => r.bounds)));
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

// On a phone the panels fold away so the map stays visible; a tap opens them.
function foldPanels() {
  registry.control.collapse();
  legend.open = false;
  legendWasOpen = false; // nor does a popup closing unfold the legend
}
if (NARROW.matches) foldPanels();
map.on("click", () => NARROW.matches && registry.control.collapse());
// The layout follows the viewport (a phone turned, a window resized) as a fresh load would.
NARROW.addEventListener("change", () => {
  map.invalidateSize(); // the layout resized the map's container: Leaflet must re-measure it
  if (NARROW.matches) {
    foldPanels();
  } else {
    registry.control.expand();
    // Open as the page opens wide: unless a popup or a sentence's features would be under it.
    legend.open = !(state.sel || state.sentence || state.article);
  }
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
map.on("popupopen", (e) => label(e.popup.getElement().querySelector(".leaflet-popup-close-button"), data.messages.close));

// The server already framed ?focus= and opened its popup: only the URL changes.
const focused = new URLSearchParams(location.search).has("focus");
follow(!focused);
history.replaceState(null, "", location.pathname + toQuery(state, overlayIds, lang) + location.hash);
refreshLinks();
// For tests and the curious: the state, and what a state (as a query string) shows.
window.mapappExplore = {
  state: () => ({ ...state, overlays: state.overlays && [...state.overlays] }),
  shownFor: (query) => records.filter((r) => shows(r, parseQuery(query))).map((r) => r.id),
  fold,
};
document.body.dataset.explore = "ready";
