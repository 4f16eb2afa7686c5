"""Benchmark the partitioned store as the archive grows: 1k, 10k, 100k (and 1M) events.

Usage: ``.venv/bin/python benchmarks/bench_scale.py [--sizes 1k,10k,100k] [--requests 50]``
(``--sizes 1k,10k,100k,1m`` for a million; ``--folium-max 0`` skips the folium comparison,
``--browser 0`` the browser, ``--wrk 0`` wrk; ``--archives DIR`` keeps the generated archives in
DIR and reuses them on later runs; ``--rebuild-max N`` skips step 3 above N events).

For each size, in a temporary directory removed at the end (unless ``--archives``):

1. ``tests/archive_gen.py`` generates the archive (10 events per article; real places, dates and
   Vietnamese sentences; written through ``Store.write`` in batches): time, CPU time, sizes.
2. One more article is ingested: a copy of ``2020-11-25-putin-erdogan-call.md`` under a new id,
   with the ``mapapp ingest`` command (wall time of the process, lexicons included): the first
   command in a fresh archive also builds the gazetteer and keeps it beside the index, so a
   second copy is ingested the same way; then another copy in-process through
   ``mapapp.pipeline.ingest.ingest`` with the lexicons loaded beforehand.
3. ``mapapp index`` rebuilds the index from the partitions (wall time of the process); a third
   copy is then ingested with the command again (the rebuilt index keeps what the last write
   recorded of its inputs, so this ingest parses only its own article).
4. ``mapapp serve`` starts (time until ``GET /api/layers`` answers), then, over one keep-alive
   connection: ``--requests`` OGC items queries (a box over the South Caucasus, the year 2020,
   ``limit=100``) and the map tiles of ``bench_map``; the server's RSS (VmRSS, and VmHWM, the
   peak) is read after start and after the requests.
5. On the same running server, the map page in headless Chromium (Debian's, through
   Playwright, as tests/browser does; host names other than the server's do not resolve, so the
   base map's tiles fail at once and are not counted), loaded ``--browser`` times, each in a
   fresh context (empty cache); median and max of each measure. Times are taken in the page
   (``performance.now()``; a MutationObserver stops the clock as soon as the DOM shows the
   result, before the next paint):

   - first view transferred: the encoded (gzip-compressed) bodies of the page and of everything
     it loaded from the server (Resource Timing's ``encodedBodySize``), once nothing has been in
     flight for 500 ms;
   - from navigation start to: the first cluster or marker of the tiles in the DOM; every tile
     in view drawn (tiles.js' ``data-tiles="ready"``, as ``mapappTiles.loaded`` resolves); the
     explorer ready (``body[data-explore=ready]``: tiles, the list and the counts loaded);
   - zoom in one level, then pan by 300 px (``setZoom``/``panBy`` without animation) until
     ``mapappTiles.idle()``: every tile of the new view fetched and drawn;
   - popup: zoom into clusters until an event marker can be clicked, then from the click to the
     popup's content (fetched from ``/map/popups/``) in the DOM;
   - search: from typing "Stepanakert" into the search box (one ``input`` event) to its result
     in the result list;
   - list: from a click on "Show more" to the list's next page in the DOM (without the button:
     one ``/api/map/features?limit=50`` fetch from the page).

   Without Playwright or Chromium these rows read "n/a".
6. For comparison, plain folium on the same event points: a map with ``FastMarkerCluster`` and
   one with ``MarkerCluster`` of markers with popups (HTML size, build + render time in Python),
   up to ``--folium-max`` events.
7. With ``wrk`` installed (Debian: ``apt install wrk``), requests per second on a map tile and
   the OGC items query over 16 connections for ``--wrk`` seconds: ``mapapp serve`` (waitress,
   one process) beside ``mapapp serve --workers 2`` (gunicorn).

Prints one Markdown table, a column per size. Wall-clock times depend on what else the machine
runs: the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the generator and the live-server helper

from archive_gen import generate  # noqa: E402
from liveserver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    HOST,
    LiveServer,
    ServerDidNotStart,
)

PYTHON = sys.executable
ARTICLE = REPO / "geodata" / "articles" / "2020-11-25-putin-erdogan-call.md"
#: The items query: a box over Armenia, Azerbaijan and eastern Turkey, one year, one page.
ITEMS = "/ogc/collections/events/items?bbox=44,38,48,41&datetime=2020-01-01/2020-12-31&limit=100"
#: The same question as CQL2 filters (Part 3): with the box at the top (the R*Tree answers
#: it), and with a polygon and an OR (shapely tests what the stored bounds let through).
FILTERED = {
    "OGC items, CQL2 type + BBOX + T_INTERSECTS": (
        "event_type IN ('combat','ceasefire','casualties') AND S_INTERSECTS(geometry, "
        "BBOX(44,38,48,41)) AND T_INTERSECTS(datetime, INTERVAL('2020-01-01','2020-12-31'))"
    ),
    "OGC items, CQL2 polygon OR name, T_INTERSECTS": (
        "(S_INTERSECTS(geometry, POLYGON((44 38, 48 38, 48 41, 44 41, 44 38))) OR "
        "CASEI(name) LIKE 'stepanakert%') AND T_INTERSECTS(datetime, "
        "INTERVAL('2020-01-01','2020-12-31'))"
    ),
}
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
NA = "n/a"


# -- small helpers -----------------------------------------------------------------------------
def _size(n: int) -> str:
    return next((label for label, value in SIZES.items() if value == n), f"{n:,}")


def _mb(nbytes: float) -> str:
    return f"{nbytes / 1e6:,.1f} MB" if nbytes >= 1e6 else f"{nbytes / 1e3:,.0f} kB"


def _s(seconds: float | None) -> str:
    return NA if seconds is None else f"{seconds:,.2f} s"


def _ms(values: list[float]) -> str:
    """Return "median / p95 ms" of some request times (in seconds)."""
    if not values:
        return NA
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
    return f"{statistics.median(values) * 1000:.1f} / {p95 * 1000:.1f} ms"


def _index_bytes(datadir: Path) -> str:
    """Return the size of the index file and of its write-ahead log."""
    from mapapp.store import DataDir

    index = DataDir(datadir).index_file
    sizes = [Path(f"{index}{suffix}") for suffix in ("", "-wal")]
    db, wal = (p.stat().st_size if p.exists() else 0 for p in sizes)
    return f"{_mb(db)} + WAL {_mb(wal)}"


def _dir_bytes(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


def _status(pid: int) -> dict[str, int]:
    """Return VmRSS and VmHWM of a process, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024
    return found


def _cpu_ticks(pid: int) -> float:
    """Return the CPU seconds (user + system) a running process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str]) -> str:
    """Run a command; return "wall (CPU)" seconds, or "n/a (its last line of error)"."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        lines = (done.stdout + done.stderr).strip().splitlines()
        return f"{NA} ({(lines[-1] if lines else f'exit status {done.returncode}')[:80]})"
    return f"{_s(wall)} ({_s(_children_cpu() - cpu)})"


def _mapapp(*args: str) -> list[str]:
    return [PYTHON, "-m", "mapapp", *args]


def _copy_article(folder: Path, article_id: str) -> Path:
    """Write the real article under another id (and file name) into ``folder``."""
    text = ARTICLE.read_text("utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {article_id}", text, count=1)
    path = folder / f"{article_id}.md"
    path.write_text(text, "utf-8")
    return path


class Client:
    """GETs over one keep-alive connection; each returns (seconds, status, body)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=600)

    def get(self, path: str) -> tuple[float, int, bytes]:
        start = time.perf_counter()
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        return time.perf_counter() - start, response.status, body

    def close(self) -> None:
        self.conn.close()


# -- the map endpoint (being added) ------------------------------------------------------------
def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    rad = math.radians(lat)
    y = (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2
    return int((lon + 180) / 360 * n), int(y * n)


def map_tiles() -> list[tuple[int, int, int]]:
    """Return the tiles ``bench_map`` asks for: all 16 of zoom 2, and 3x3 at zoom 6 around
    lon 45, lat 40 (Armenia and Azerbaijan)."""
    tiles = [(2, x, y) for x in range(4) for y in range(4)]
    cx, cy = _tile_of(45.0, 40.0, 6)
    tiles += [(6, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    return tiles


# ---------------------------------------------------------------------------------------------
# HOOK: the map-query endpoints. `GET /api/map/tiles/{z}/{x}/{y}.json` is being added; extend
# this function (more zooms, filters, the search endpoint) as the map API grows.
# ---------------------------------------------------------------------------------------------
def bench_map(base_url: str, client: Client | None = None) -> dict[str, str]:
    """Time the map tiles of ``map_tiles()``; "n/a" where the endpoint does not answer 200."""
    own = client is None
    if client is None:
        client = Client(int(base_url.rsplit(":", 1)[1]))
    results: dict[str, str] = {}
    try:
        for zoom in (2, 6):
            times, statuses, sizes, items = [], set(), 0, 0
            for z, x, y in (t for t in map_tiles() if t[0] == zoom):
                seconds, status, body = client.get(f"/api/map/tiles/{z}/{x}/{y}.json")
                statuses.add(status)
                if status == 200:
                    times.append(seconds)
                    sizes += len(body)
                    data = json.loads(body)
                    items += len(data.get("features", [])) + len(data.get("clusters", []))
            if statuses != {200}:
                results[f"z{zoom}"] = f"{NA} (HTTP {', '.join(map(str, sorted(statuses)))})"
            else:
                results[f"z{zoom}"] = (
                    f"{_ms(times)}, {_mb(sizes)}, {items:,} features + clusters, "
                    f"max {max(times) * 1000:.0f} ms"
                )
    finally:
        if own:
            client.close()
    return results


# -- the map page in a browser -----------------------------------------------------------------
#: Debian's chromium, with the switches tests/browser/conftest.py gives it; and every host name
#: made unresolvable but the server's address, so that the base map's tiles (an outside tile
#: server) fail at once instead of waiting on the network: what is measured is mapapp's part.
BROWSER_ARGS = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}"]
VIEWPORT = {"width": 1280, "height": 800}
#: A place every generated archive has (a curated place of the bundled data) and its feature.
SEARCH, SEARCH_ID = "Stepanakert", "place-stepanakert"
#: What tiles.js draws for the tiles: a cluster, or a feature's marker (test_map_scale.py).
DRAWN = ".mapapp-cluster, .leaflet-marker-icon[data-feature-id]"
#: Milliseconds any one browser measure may take before it counts as failed.
BROWSER_TIMEOUT_MS = 300_000

# Run in each page before its own scripts: a MutationObserver stamps, with performance.now()
# (milliseconds since the navigation started), the moments the first view reaches: the first
# cluster or marker inserted (the observer runs right after the task that inserted it, before
# the next paint), every tile in view drawn (tiles.js sets data-tiles="ready" on the map's
# container when nothing is queued or in flight, as mapappTiles.loaded resolves), and the
# explorer ready (body[data-explore=ready]: those tiles drawn, and the list and counts loaded).
_MILESTONES_JS = """
(() => {
  performance.setResourceTimingBufferSize(100000);
  const marks = (window.__benchMarks = {});
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (marks.first === undefined) {
      const drawn = document.querySelectorAll("DRAWN").length;
      if (drawn) Object.assign(marks, { first: now, firstCount: drawn });
    }
    if (marks.tiles === undefined && document.querySelector("[data-tiles=ready]")) {
      marks.tiles = now;
    }
    const body = document.body;
    if (marks.ready === undefined && body && body.dataset.explore === "ready") {
      marks.ready = now;
    }
    if (marks.first !== undefined && marks.tiles !== undefined && marks.ready !== undefined) {
      observer.disconnect();
    }
  });
  observer.observe(document, {
    childList: true, subtree: true,
    attributes: true, attributeFilter: ["data-tiles", "data-explore", "data-feature-id"],
  });
})();
""".replace("DRAWN", DRAWN)

# The bytes the page and everything it loaded transferred from the server, by Resource Timing:
# encodedBodySize is a response's body as it came over the wire (gzip-compressed if it was;
# headers aside), for the page itself (the navigation entry) and for each resource and fetch.
# Requests to other hosts (the base map's tiles, failed by the resolver rule) are only counted.
_TRANSFERRED_JS = """
(origin) => {
  const out = { requests: 0, bytes: 0, withHeaders: 0, other: 0 };
  const entries = [...performance.getEntriesByType("navigation"),
                   ...performance.getEntriesByType("resource")];
  for (const e of entries) {
    if (e.name.startsWith(origin)) {
      out.requests += 1;
      out.bytes += e.encodedBodySize;
      out.withHeaders += e.transferSize;
    } else out.other += 1;
  }
  return out;
}
"""

# What the tile layer shows now, and whether every tile of the zoom shown is drawn (a record
# of tiles.js per tile: ``url`` is what it drew, ``pending`` what it waits for).
_DRAWN_NOW_JS = """
() => {
  const layer = mapappTiles.layer;
  const records = [...layer._records.values()].filter((r) => r.coords.z === layer._tileZoom);
  return {
    zoom: mapappTiles.map.getZoom(),
    markers: document.querySelectorAll(".leaflet-marker-icon[data-feature-id]").length,
    clusters: document.querySelectorAll(".mapapp-cluster").length,
    tiles: records.length,
    complete: records.length > 0 && records.every((r) => r.url && !r.pending),
  };
}
"""

# Move the map at once (no animation: the measure is the tiles' fetching and drawing, not
# Leaflet's 250 ms zoom animation) and time until tiles.js has drawn every tile of the new
# view: mapappTiles.idle() resolves once nothing is queued or in flight (after a turn, as the
# tests wait, for Leaflet to have asked for the new tiles; it does so on "moveend").
_MOVE_JS = """
async (how) => {
  const map = mapappTiles.map;
  const start = performance.now();
  if (how === "zoom") map.setZoom(map.getZoom() + 1, { animate: false });
  else map.panBy([300, 0], { animate: false });
  await new Promise((resolve) => setTimeout(resolve, 0));
  await mapappTiles.idle();
  return performance.now() - start;
}
"""

# Arm a stopwatch for a user action: it starts at the action's first ``event`` (a listener in
# the capture phase, so before the page's own handlers) and stops as soon as ``selector``
# matches (checked after every change of the DOM); window.__benchAction resolves to the
# milliseconds between. Playwright then acts (a click, typing) and awaits the promise.
_STOPWATCH_JS = """
([event, selector, timeout]) => {
  window.__benchAction = new Promise((resolve, reject) => {
    let start = null;
    const check = () => {
      if (start === null || !document.querySelector(selector)) return;
      observer.disconnect();
      resolve(performance.now() - start);
    };
    const observer = new MutationObserver(check);
    observer.observe(document, {
      childList: true, subtree: true, attributes: true, characterData: true,
    });
    addEventListener(event, () => { start = performance.now(); check(); },
                     { capture: true, once: true });
    setTimeout(() => { observer.disconnect(); reject(new Error(`no ${selector}`)); }, timeout);
  });
}
"""

# The id of an event marker a click would reach (the element at its centre is the marker,
# not the layer list or the legend over it), or null. The marker is marked for the click: a
# feature can be drawn more than once (on the world's copies at low zooms).
_CLICKABLE_MARKER_JS = """
() => {
  const view = mapappTiles.map.getContainer().getBoundingClientRect();
  for (const icon of document.querySelectorAll(".leaflet-marker-icon.mf-layer-events")) {
    const b = icon.getBoundingClientRect();
    const x = (b.left + b.right) / 2, y = (b.top + b.bottom) / 2;
    if (x < view.left + 40 || x > view.right - 40 || y < view.top + 40
        || y > Math.min(view.bottom, innerHeight) - 40) continue;
    if (icon.contains(document.elementFromPoint(x, y))) {
      icon.setAttribute("data-bench-target", "");
      return icon.dataset.featureId;
    }
  }
  return null;
}
"""

# No event marker to click: zoom to the biggest cluster in sight, as a click on it would
# (tiles.js' zoomToCluster), and wait until its tiles are drawn. False if none is in sight.
_INTO_CLUSTER_JS = """
async () => {
  const map = mapappTiles.map, layer = mapappTiles.layer;
  // The clusters a click reaches: the element at the centre of their marker is theirs (not
  // the layer list or the legend over them).
  const markers = new Map();
  layer._clusters.eachLayer((m) => markers.set(m.mapappCluster, m.getElement()));
  const inside = layer.clusters().filter((c) => {
    const element = markers.get(c);
    if (!element) return false;
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return hit !== null && hit.closest(".mapapp-cluster") === element;
  });
  if (!inside.length) return false;
  inside.sort((a, b) => a.count - b.count); // the smallest: the likeliest to open
  if (layer.isPile(inside[0])) {
    // Zooming in cannot split it: it lists its features instead. Mark it for a click.
    markers.get(inside[0]).setAttribute("data-bench-pile", "");
    return false;
  }
  const moved = new Promise((resolve) => map.once("moveend", resolve));
  layer.zoomToCluster(inside[0]);
  await moved;
  await new Promise((resolve) => setTimeout(resolve, 0));
  await mapappTiles.idle();
  return true;
}
"""

# Without a "Show more" button: one page of the list as the explorer asks for it, by fetch.
_FETCH_LIST_JS = """
async () => {
  const start = performance.now();
  const response = await fetch("/api/map/features?limit=50", {
    headers: { Accept: "application/json" },
  });
  const body = await response.json();
  if (!response.ok || !body.features.length) throw new Error(`HTTP ${response.status}`);
  return performance.now() - start;
}
"""

#: The browser rows, in order (each gets "n/a" when Chromium or Playwright is missing).
BROWSER_ROWS = {
    "bytes": "browser: first view transferred from mapapp, compressed (requests)",
    "first": "browser: first clusters / markers drawn, median / max",
    "tiles": "browser: every tile in view drawn, median / max",
    "ready": "browser: page ready (tiles + list + counts), median / max",
    "zoom": "browser: zoom in one level, redrawn, median / max",
    "pan": "browser: pan 300 px, redrawn, median / max",
    "popup": "browser: event click (marker, or pile list) → popup content shown, median / max",
    "search": f"browser: search “{SEARCH}” → results shown, median / max",
    "list": "browser: list “Show more” → next page shown, median / max",
}


def _ms_max(values: list[float]) -> str:
    """Return "median / max ms" of some durations (in seconds)."""
    if not values:
        return NA
    return f"{statistics.median(values) * 1000:,.0f} / {max(values) * 1000:,.0f} ms"


def _browser_run(browser: object, base_url: str) -> dict[str, object]:
    """Open the map page once in a fresh context (an empty cache) and take every measure on it.

    Return each measure's value (seconds, or a dict for the bytes), or the error that stopped
    it (str); a measure that fails leaves the next ones to run on the page as it is.
    """
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    context.add_init_script(_MILESTONES_JS)
    page = context.new_page()
    out: dict[str, object] = {}

    def measure(name: str, action) -> None:
        try:
            out[name] = action()
        except Exception as exc:  # one failed measure is reported; the others go on
            out[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:60]}"

    def stopwatch(event: str, selector: str, act) -> float:
        page.evaluate(_STOPWATCH_JS, [event, selector, BROWSER_TIMEOUT_MS])
        act()
        return page.evaluate("() => window.__benchAction") / 1000

    def drawn_all() -> dict:
        """Check that the tiles of the view are all drawn, with something in them."""
        now = page.evaluate(_DRAWN_NOW_JS)
        if not now["complete"] or not now["markers"] + now["clusters"]:
            raise RuntimeError(f"view not drawn: {now}")
        return now

    try:
        # 1. The first view: from navigation start to the milestones the observer stamped.
        response = page.goto(base_url + "/", wait_until="commit")
        if response is None or response.status != 200:
            raise RuntimeError(f"GET / answered {response and response.status}")
        page.wait_for_selector("body[data-explore=ready]", state="attached")
        page.evaluate("() => mapappTiles.idle()")
        page.wait_for_load_state("networkidle")  # nothing more in flight for 500 ms
        marks = page.evaluate("() => window.__benchMarks")
        now = drawn_all()
        for name in ("first", "tiles", "ready"):
            out[name] = marks[name] / 1000
        out["bytes"] = {**page.evaluate(_TRANSFERRED_JS, base_url), **now}
        # 2. Redraws after a zoom in, then a pan, on the page as the first view left it.
        for how in ("zoom", "pan"):

            def move(how: str = how) -> float:
                seconds = page.evaluate(_MOVE_JS, how) / 1000
                drawn_all()
                return seconds

            measure(how, move)

        # 3. A popup: zoom in (as clicking clusters would) until an event marker can be
        # clicked, click it, stop when the popup holds the content fetched from /map/popups/.
        def popup() -> float:
            for _ in range(10):
                target = page.evaluate(_CLICKABLE_MARKER_JS)
                if target or not page.evaluate(_INTO_CLUSTER_JS):
                    break
            if not target:
                # A pile (events at one position): its cluster lists them; choose the first.
                pile = page.locator(".mapapp-cluster[data-bench-pile]").first
                if not pile.count():
                    raise RuntimeError("no event marker or pile to click")
                pile.click()
                item = page.locator(".leaflet-popup .pile-list button[data-feature-id]").first
                item.wait_for()
                chosen = item.get_attribute("data-feature-id")
                selector = f'.leaflet-popup-content .fp[data-feature-id="{chosen}"]'
                return stopwatch("click", selector, item.click)
            selector = f'.leaflet-popup-content .fp[data-feature-id="{target}"]'
            icon = page.locator(".leaflet-marker-icon[data-bench-target]").first
            return stopwatch("click", selector, icon.click)

        measure("popup", popup)

        # 4. Search: the typed name (one "input" event, as a paste) to the result listed.
        def search() -> float:
            result = f'#search-results:not([hidden]) [role=option][data-feature-id="{SEARCH_ID}"]'
            return stopwatch("input", result, lambda: page.fill("#search-input", SEARCH))

        measure("search", search)

        # 5. The list's next page ("Show more", 200 rows at a time), else one page by fetch.
        def list_page() -> float:
            more = page.locator("#event-list-section .list-more")
            if not more.count() or not more.is_visible():
                return page.evaluate(_FETCH_LIST_JS) / 1000
            rows = page.locator("#event-list > [role=option]").count()
            after = f"#event-list > [role=option]:nth-child({rows + 1})"
            return stopwatch("click", after, more.click)

        measure("list", list_page)
    except Exception as exc:  # the page did not open: every measure left fails with it
        for name in BROWSER_ROWS:
            out.setdefault(name, f"{type(exc).__name__}: {str(exc).splitlines()[0][:60]}")
    finally:
        context.close()
    return out


def bench_browser(base_url: str, runs: int = 5) -> dict[str, str]:
    """Open the map page of a running server ``runs`` times in headless Chromium (each time in
    a fresh context: nothing cached) and return the ``BROWSER_ROWS`` measures; "n/a" in every
    row if Playwright or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {row: f"{NA} (no Playwright)" for row in BROWSER_ROWS.values()}
    if not Path(CHROMIUM).exists():
        return {row: f"{NA} (no {CHROMIUM}: apt install chromium)" for row in BROWSER_ROWS.values()}
    results: list[dict[str, object]] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                for _ in range(runs):
                    results.append(_browser_run(browser, base_url))
            finally:
                browser.close()
    except Exception as exc:  # Chromium did not start (or died): report, do not stop
        if not results:
            why = f"{type(exc).__name__}: {str(exc).splitlines()[0][:60]}"
            return {row: f"{NA} ({why})" for row in BROWSER_ROWS.values()}
    out: dict[str, str] = {}
    for name, row in BROWSER_ROWS.items():
        values = [r[name] for r in results if name in r and not isinstance(r[name], str)]
        errors = [r[name] for r in results if isinstance(r.get(name), str)]
        if name == "bytes":
            text = NA
            if values:
                b = values[len(values) // 2]  # the same page each time: any run's counts
                text = (
                    f"{_mb(statistics.median(v['bytes'] for v in values))} ({b['requests']} "
                    f"requests; {b['markers']:,} markers + {b['clusters']:,} clusters at zoom "
                    f"{b['zoom']}; {b['other']} base-map tiles not counted)"
                )
        else:
            text = _ms_max(values)  # type: ignore[arg-type]
        if errors:
            text += f" ({len(errors)} of {len(results)} failed: {errors[0]})"
        out[row] = text
    return out


# -- one archive -------------------------------------------------------------------------------
def bench_server(datadir: Path, requests: int, browser_runs: int = 0) -> dict[str, str]:
    """Start ``mapapp serve`` on ``datadir``; time the start, the items queries and the map
    (and with ``browser_runs``, the map page in Chromium: ``bench_browser``)."""
    out: dict[str, str] = {}
    server = LiveServer(datadir, timeout=1800)
    start = time.perf_counter()
    try:
        server.start()
    except ServerDidNotStart as exc:
        last = [line for line in str(exc).splitlines() if line.strip()][-1:]
        out["server start, until /api/layers answers (CPU)"] = (
            f"{NA} (did not start: {last[0][:80] if last else '?'})"
        )
        return out
    try:
        wall = time.perf_counter() - start
        assert server.process is not None
        pid = server.process.pid
        out["server start, until /api/layers answers (CPU)"] = f"{_s(wall)} ({_s(_cpu_ticks(pid))})"
        rss = _status(pid)
        out["server RSS after start"] = _mb(rss["VmRSS"])
        client = Client(server.port)
        queries = {"OGC items": ITEMS}
        queries.update(
            (name, "/ogc/collections/events/items?limit=100&" + urlencode({"filter": text}))
            for name, text in FILTERED.items()
        )
        for name, url in queries.items():
            out[f"{name}, median / p95 (server CPU per request)"] = _timed(
                client, pid, url, requests
            )
        for zoom, text in bench_map(server.url, client).items():
            out[f"map tiles {zoom}, median / p95"] = text
        client.close()
        rss = _status(pid)
        out["server RSS after requests (peak)"] = f"{_mb(rss['VmRSS'])} ({_mb(rss['VmHWM'])})"
        if browser_runs:
            out.update(bench_browser(server.url, browser_runs))
    finally:
        server.stop()
    return out


def _timed(client: Client, pid: int, url: str, requests: int) -> str:
    """``requests`` GETs of ``url``: median / p95, the server's CPU a request, the matches."""
    times, matched, statuses = [], None, set()
    cpu = _cpu_ticks(pid)
    for _ in range(requests):
        seconds, status, body = client.get(url)
        statuses.add(status)
        if status == 200:
            times.append(seconds)
            if matched is None:
                matched = json.loads(body).get("numberMatched")
    cpu = (_cpu_ticks(pid) - cpu) / max(1, requests) * 1000
    if statuses != {200}:
        return f"{NA} (HTTP {sorted(statuses)})"
    counted = f"{matched:,} matched" if matched is not None else "over 1,000 matched"
    return f"{_ms(times)} ({cpu:.0f} ms; {counted})"


def _wrk(url: str, seconds: int) -> str:
    """Return wrk's requests per second for ``url`` (16 connections, 2 threads)."""
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=False
    )
    found = re.search(r"Requests/sec:\s*([0-9.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if not found:
        return NA
    return f"{float(found.group(1)):,.0f}" + (f" ({errors.group(1)} errors)" if errors else "")


def bench_wrk(datadir: Path, seconds: int) -> dict[str, str]:
    """Load the map tile and OGC items URLs with wrk: waitress, then gunicorn (2 workers)."""
    if shutil.which("wrk") is None:
        return {"wrk req/s": f"{NA} (wrk not installed: apt install wrk)"}
    x, y = _tile_of(46.75, 39.8, 6)
    urls = {"map tile z6": f"/api/map/tiles/6/{x}/{y}.json", "OGC items": ITEMS}
    results: dict[str, list[str]] = {name: [] for name in urls}
    for extra in ((), ("--workers", "2", "--threads", "4")):
        server = LiveServer(datadir, *extra, timeout=1800)
        server.start()
        try:
            for name, path in urls.items():
                results[name].append(_wrk(server.url + path, seconds))
        finally:
            server.stop()
    return {
        f"wrk req/s, {name}: waitress / gunicorn 2 workers": " / ".join(values)
        for name, values in results.items()
    }


def bench_ingest(datadir: Path, tag: str, work: Path) -> dict[str, str]:
    """Ingest copies of a real article: by the command, then in-process with lexicons loaded."""
    from mapapp.geoparse import Lexicons
    from mapapp.pipeline.ingest import ingest
    from mapapp.store import DataDir
    from mapapp.store.cache import FileCache

    out: dict[str, str] = {}
    run = int(time.time())  # new ids on every run, also into a reused archive
    cache = FileCache.beside_index(DataDir(datadir), "gazetteer")
    cached = any(cache.folder.glob("gazetteer-*.bin"))
    path = _copy_article(work, f"bench-{tag}-{run}-cli")
    first = "gazetteer cached" if cached else "first command here: builds the gazetteer cache"
    out[f"`mapapp ingest` 1 article, {first} (CPU)"] = _run(
        _mapapp("ingest", str(path), "--data-dir", str(datadir))
    )
    path = _copy_article(work, f"bench-{tag}-{run}-cli2")
    out["`mapapp ingest` 1 article, gazetteer cached (CPU)"] = _run(
        _mapapp("ingest", str(path), "--data-dir", str(datadir))
    )
    start = time.perf_counter()
    lexicons = Lexicons.load(DataDir(datadir))
    out["lexicons built (in-process, no cache)"] = _s(time.perf_counter() - start)
    path = _copy_article(work, f"bench-{tag}-{run}-lib")
    start, cpu = time.perf_counter(), time.process_time()
    try:
        change = ingest([path], datadir, lexicons)
        out["`ingest()` 1 article, lexicons loaded (CPU)"] = (
            f"{_s(time.perf_counter() - start)} ({_s(time.process_time() - cpu)}; "
            f"{change.summary().split(',')[0]})"
        )
    except Exception as exc:  # the pipeline is being refactored: report, do not stop
        out["`ingest()` 1 article, lexicons loaded (CPU)"] = f"{NA} ({type(exc).__name__}: {exc})"[
            :90
        ]
    return out


def folium_maps(points: list[tuple[float, float, str]]) -> dict[str, str]:
    """Build and render plain folium maps of ``points``: FastMarkerCluster, and MarkerCluster
    of markers with popups; return HTML sizes and times."""
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster

    out = {}
    start, cpu = time.perf_counter(), time.process_time()
    fast = folium.Map(location=(40, 45), zoom_start=3)
    FastMarkerCluster([(lat, lon) for lon, lat, _ in points]).add_to(fast)
    html = fast.get_root().render()
    out["folium FastMarkerCluster: build + render (CPU), HTML"] = (
        f"{_s(time.perf_counter() - start)} ({_s(time.process_time() - cpu)}), "
        f"{_mb(len(html.encode()))}"
    )
    del fast, html
    start, cpu = time.perf_counter(), time.process_time()
    slow = folium.Map(location=(40, 45), zoom_start=3)
    cluster = MarkerCluster().add_to(slow)
    for lon, lat, name in points:
        folium.Marker((lat, lon), popup=folium.Popup(name, max_width=300)).add_to(cluster)
    html = slow.get_root().render()
    out["folium MarkerCluster + popups: build + render (CPU), HTML"] = (
        f"{_s(time.perf_counter() - start)} ({_s(time.process_time() - cpu)}), "
        f"{_mb(len(html.encode()))}"
    )
    return out


def _event_points(datadir: Path) -> list[tuple[float, float, str]]:
    """Return (lon, lat, Vietnamese name) of every point event, from the index."""
    from mapapp.store import DataDir

    db = sqlite3.connect(f"file:{DataDir(datadir).index_file}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT lon, lat, coalesce(name_vi, name, id) FROM features "
            "WHERE layer = 'events' AND lon IS NOT NULL ORDER BY n"
        ).fetchall()
    finally:
        db.close()
    return [(float(lon), float(lat), str(name)) for lon, lat, name in rows]


def bench_size(events: int, args: argparse.Namespace, root: Path) -> dict[str, str]:
    """Run every measure on one generated archive of ``events`` events."""
    tag = _size(events)
    home = Path(args.archives) if args.archives else root
    datadir = home / tag / "geodata"
    work = home / tag / "incoming"
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}

    def log(text: str) -> None:
        print(f"[{tag}] {text}", file=sys.stderr, flush=True)

    record = home / tag / "generated.json"
    if args.archives and record.exists():
        log(f"reusing {datadir}")
        result, cpu = json.loads(record.read_text("utf-8")), None
    else:
        log("generating")
        cpu = time.process_time()
        result = generate(datadir, events, seed=args.seed)
        cpu = time.process_time() - cpu
        record.write_text(json.dumps(result), "utf-8")
    out["articles / events / places"] = (
        f"{result['articles']:,} / {result['events']:,} / {result['places']:,}"
    )
    generated = f"{_s(result['seconds'])} ({_s(cpu)})" if cpu is not None else ""
    out["generate (CPU)"] = generated or f"{_s(result['seconds'])} (an earlier run; reused)"
    out["… of which loading the gazetteer (first size only)"] = _s(result["load_seconds"])
    out["… of which `Store.write`"] = _s(result["write_seconds"])
    out["partitions + articles on disk"] = _mb(
        _dir_bytes(datadir / "features") + _dir_bytes(datadir / "articles")
    )
    out["index on disk, after generate"] = _index_bytes(datadir)
    points = _event_points(datadir)

    log("ingesting")
    out.update(bench_ingest(datadir, tag, work))

    if events <= args.rebuild_max:
        log("rebuilding the index")
        rebuild = _mapapp("index", "--data-dir", str(datadir))
        out["`mapapp index`, full rebuild (CPU)"] = _run(rebuild)
        out["index on disk, after rebuild"] = _index_bytes(datadir)
        path = _copy_article(work, f"bench-{tag}-{int(time.time())}-after-index")
        out["`mapapp ingest` after `mapapp index` (CPU)"] = _run(
            _mapapp("ingest", str(path), "--data-dir", str(datadir))
        )

    log("serving")
    out.update(bench_server(datadir, args.requests, args.browser))
    if args.wrk:
        log("wrk")
        out.update(bench_wrk(datadir, args.wrk))

    if events <= args.folium_max:
        log(f"folium on {len(points):,} points")
        out.update(folium_maps(points))
    if not args.keep and not args.archives:
        shutil.rmtree(root / tag, ignore_errors=True)
    return out


def _parse_sizes(text: str) -> list[int]:
    sizes = []
    for item in text.lower().split(","):
        item = item.strip()
        sizes.append(SIZES[item] if item in SIZES else int(item.replace("_", "")))
    return sizes


def main() -> None:
    """Run the benchmark for each size and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k", help="events: 1k,10k,100k,1m or N")
    parser.add_argument("--requests", type=int, default=50, help="OGC items requests per size")
    parser.add_argument("--folium-max", type=int, default=100_000, help="largest folium size")
    parser.add_argument(
        "--rebuild-max", type=int, default=1_000_000, help="largest size `mapapp index` rebuilds"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the archives (printed)")
    parser.add_argument(
        "--archives",
        help="keep the generated archives in this folder and reuse them on later runs "
        "(each run ingests three more articles into them)",
    )
    parser.add_argument(
        "--wrk", type=int, default=10, help="seconds of wrk load per URL and server (0: none)"
    )
    parser.add_argument(
        "--browser", type=int, default=5, help="map page loads in Chromium per size (0: none)"
    )
    args = parser.parse_args()
    sizes = _parse_sizes(args.sizes)
    root = Path(tempfile.mkdtemp(prefix="mapapp-scale-"))
    columns: dict[str, dict[str, str]] = {}
    load_before = os.getloadavg()
    try:
        for events in sizes:
            columns[_size(events)] = bench_size(events, args, root)
    finally:
        if args.keep:
            print(f"archives kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    rows = list(dict.fromkeys(key for column in columns.values() for key in column))
    print(
        f"Scale benchmark ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, SQLite {sqlite3.sqlite_version}; "
        f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after)"
    )
    print()
    print("| measure | " + " | ".join(f"{label} events" for label in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row in rows:
        cells = [columns[label].get(row, "") for label in columns]
        print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
