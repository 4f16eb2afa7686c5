// The view's state, read from and written to the URL (the parameters of
// mapapp/query/viewfilter.py: STATE_PARAMS); the server decides what a state shows.

export const STEPS = ["day", "week", "month", "year"];

/** Fold text for matching without diacritics or case: "Hành lang" -> "hanh lang" (as mapapp/core/text.py fold; tests/test_text.py compares them). */
export function fold(text) {
  return String(text)
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

/** An empty state: every overlay on, no time window, no filter, nothing selected. */
export function emptyState() {
  return { overlays: null, from: null, to: null, type: null, article: null, sentence: null, sel: null, view: null };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function firstDay(value) {
  if (/^\d{4}$/.test(value)) return `${value}-01-01`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01`;
  return DAY.test(value) ? value : null;
}

function lastDay(value) {
  if (/^\d{4}$/.test(value)) return `${value}-12-31`;
  if (/^\d{4}-\d{2}$/.test(value)) {
    const [y, m] = value.split("-").map(Number);
    return isoDay(new Date(Date.UTC(y, m, 0)));
  }
  return DAY.test(value) ? value : null;
}

/** Read the state from a query string (the server has already refused malformed values). */
export function parseQuery(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  if (params.has("layers")) state.overlays = new Set(params.get("layers").split(",").filter(Boolean));
  state.from = params.get("from") ? firstDay(params.get("from")) : null;
  state.to = params.get("to") ? lastDay(params.get("to")) : null;
  state.type = params.get("type") || null;
  state.article = params.get("article") || null;
  state.sentence = params.get("sentence") || null;
  state.sel = params.get("sel") || params.get("focus") || null;
  const view = /^(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.get("map") || "");
  if (view) state.view = { zoom: Number(view[1]), lat: Number(view[2]), lng: Number(view[3]) };
  return state;
}

/** The filter part of the state as query parameters (shared by the page URL and downloads). */
export function filterParams(state, allOverlays) {
  const params = new URLSearchParams();
  if (state.overlays && !allOverlays.every((o) => state.overlays.has(o))) {
    params.set("layers", allOverlays.filter((o) => state.overlays.has(o)).join(","));
  }
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (state.type) params.set("type", state.type);
  if (state.article) params.set("article", state.article);
  if (state.sentence) params.set("sentence", state.sentence);
  return params;
}

/** The whole state as a query string for the page's URL; ``lang`` is kept if given. */
export function toQuery(state, allOverlays, lang) {
  const params = new URLSearchParams();
  if (lang) params.set("lang", lang);
  if (state.view) {
    const { zoom, lat, lng } = state.view;
    params.set("map", `${zoom}/${lat.toFixed(5)}/${lng.toFixed(5)}`);
  }
  for (const [key, value] of filterParams(state, allOverlays)) params.set(key, value);
  if (state.sel) params.set("sel", state.sel);
  const text = params.toString().replace(/%2C/g, ",").replace(/%2F/g, "/").replace(/%3A/g, ":");
  return text ? `?${text}` : "";
}

export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export function parseDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** The day ``count`` steps (day, week, month, year) after ``iso``. */
export function addSteps(iso, step, count = 1) {
  const date = parseDay(iso);
  if (step === "day") date.setUTCDate(date.getUTCDate() + count);
  else if (step === "week") date.setUTCDate(date.getUTCDate() + 7 * count);
  else if (step === "month") date.setUTCMonth(date.getUTCMonth() + count, 1);
  else date.setUTCFullYear(date.getUTCFullYear() + count, 0, 1);
  return isoDay(date);
}

/** The first day of the step (month, year) containing ``iso``; days and weeks start anywhere. */
export function stepStart(iso, step) {
  if (step === "month") return `${iso.slice(0, 7)}-01`;
  if (step === "year") return `${iso.slice(0, 4)}-01-01`;
  return iso;
}
