"""Browser fixtures: a real mapapp server on a free loopback port, driven by Debian's chromium."""

from __future__ import annotations

import json
import os
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import playwright.sync_api as playwright_api
import pytest
from liveserver import CHROMIUM, CHROMIUM_ARGS, HOST, LiveServer, free_port
from wholelayers import layer_info

from mapapp.core.model import make_source
from mapapp.core.text import css_token
from mapapp.query.viewfilter import parse_state, select
from mapapp.sources.articles import read_article
from mapapp.store.layers import Store

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "mapfixture"
#: What a copy of a data directory leaves behind: the lock, a killed writer's temporary files
#: and the index (derived data: the server builds its own from the copied GeoJSON).
NOT_COPIED = shutil.ignore_patterns(".lock", ".lock.holder", "*.tmp", ".index")
VIEWPORT = {"width": 1280, "height": 800}
#: A data directory this small is drawn whole (no cluster) once framed by EVERYTHING.
SMALL = 150
#: Bounds ([[south, west], [north, east]]) holding every feature of the fixture.
EVERYTHING = [[38.5, 31.0], [56.5, 49.0]]
_START_TIMEOUT_S = 20
_WAIT_TIMEOUT_MS = 10_000
# Set to e.g. 6 to run every page on a CPU that many times slower: it shakes out tests that
# only pass because the machine is fast (``MAPAPP_BROWSER_SLOWDOWN=6 make test``).
_SLOWDOWN = float(os.environ.get("MAPAPP_BROWSER_SLOWDOWN") or 1)


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """Return a one-colour PNG: the stand-in for every map tile."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(raw))]
        + [chunk(b"IEND", b"")]
    )


BLANK_TILE = _png(256, 256, (242, 239, 233))


def _positions(geometry: dict) -> Iterator[tuple[float, float]]:
    """Yield every (lon, lat) of a GeoJSON geometry."""
    parts = geometry.get("geometries")
    if parts is not None:
        for part in parts:
            yield from _positions(part)
        return
    stack = [geometry.get("coordinates") or []]
    while stack:
        coords = stack.pop()
        if coords and isinstance(coords[0], (int, float)):
            yield float(coords[0]), float(coords[1])
        else:
            stack.extend(coords)


class Server(LiveServer):
    """A running ``mapapp serve`` (``url``, ``data_dir``, ``get``), and what the tests ask of it."""

    def layers(self) -> dict[str, dict]:
        """Return every layer as the API serves it, in the API's order."""
        listing = json.loads(self.get("/api/layers"))
        return {entry["id"]: json.loads(self.get(entry["url"])) for entry in listing}

    def shown(self, **args: str) -> set[str]:
        """Return the ids of the features the map shows in state ``args`` (viewfilter's rules)."""
        layers = [(layer.id, c) for layer, c in layer_info(Store(self.data_dir))]
        return {f["id"] for f in select(layers, parse_state(args))}

    def bounds(self) -> list[list[float]]:
        """Return [[south, west], [north, east]] holding every feature (at least EVERYTHING)."""
        (south, west), (north, east) = EVERYTHING
        for collection in self.layers().values():
            for feature in collection["features"]:
                for lon, lat in _positions(feature.get("geometry") or {}):
                    south, north = min(south, lat), max(north, lat)
                    west, east = min(west, lon), max(east, lon)
        return [[south, west], [north, east]]

    def overlay_members(self) -> dict[str, set[str]]:
        """Return the feature ids each layer-control overlay should hold (events by type)."""
        members: dict[str, set[str]] = {}
        for layer_id, collection in self.layers().items():
            for feature in collection["features"]:
                if feature.get("geometry") is None:
                    continue  # an event its text does not place: listed, never drawn
                key = layer_id
                if layer_id == "events":
                    event_type = feature["properties"].get("event_type") or "other"
                    key = f"events-{css_token(event_type)}"
                members.setdefault(key, set()).add(feature["id"])
        return members


@pytest.fixture(scope="session")
def make_server(tmp_path_factory) -> Iterator[Callable[[Path], Server]]:
    """Return a function serving a data directory until the end of the session."""
    with ExitStack() as stack:

        def make(data_dir: Path) -> Server:
            port = free_port()
            tiles = {"MAPAPP_TILE_URL": f"http://{HOST}:{port}/tiles/{{z}}/{{x}}/{{y}}.png"}
            log_dir = tmp_path_factory.mktemp("log")
            server = Server(
                data_dir,
                "--threads",
                "4",
                env=tiles,
                port=port,
                timeout=_START_TIMEOUT_S,
                log_dir=log_dir,
            )
            return stack.enter_context(server)

        yield make


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory) -> Callable[[], Path]:
    """Return a function making a fresh copy of the hand-made fixture (layers and articles)."""

    def copy() -> Path:
        return shutil.copytree(
            FIXTURE, tmp_path_factory.mktemp("data") / "geodata", ignore=NOT_COPIED
        )

    return copy


def add_history(data_dir: Path) -> None:
    """Add what the fixture lacks: a span of months (1988–1994), a year (1994), a dated route."""
    old = "2020-11-17-russia-humanitarian-centre"
    article = read_article(data_dir / "articles" / f"{old}.md")

    def event(fid, name, name_vi, event_type, date, date_end, precision, sentence):
        props = {
            "layer": "events",
            "name": name,
            "name_vi": name_vi,
            "kind": event_type,
            "event_type": event_type,
            "date": date,
            "date_precision": precision,
            "geo_precision": "region",
            "summary": name,
            "sources": [make_source(old, sentence, article.sentence(sentence).text)],
        }
        if date_end:
            props["date_end"] = date_end
        point = {"type": "Point", "coordinates": [46.75194, 39.81528]}
        return {"type": "Feature", "id": fid, "geometry": point, "properties": props}

    store = Store(data_dir)
    events = store.read_part(old)  # the partition of the article the new events cite
    assert events is not None and events["article"]["id"] == old
    events["features"] += [
        event(
            "event-war",
            "First war",
            "Cuộc chiến 6 năm",
            "combat",
            "1988-02",
            "1994-05",
            "month",
            15,
        ),
        event(
            "event-ceasefire-1994",
            "1994 ceasefire",
            "ngừng bắn năm 1994",
            "ceasefire",
            "1994",
            None,
            "year",
            16,
        ),
    ]
    routes = store.read_part(store.shared_part("routes"))
    dated = [f for f in routes["features"] if f["id"] == "route-call-moscow-ankara"]
    assert len(dated) == 1
    dated[0]["properties"]["date"] = "2020-11-24"
    with store.lock():
        store.write({old: events, store.shared_part("routes"): routes}, {})


@pytest.fixture(scope="session")
def explore_server(make_server, fixture_data) -> Server:
    """Serve the fixture with history added (a span of months, a year, a dated route)."""
    data_dir = fixture_data()
    add_history(data_dir)
    return make_server(data_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(make_server, fixture_data) -> Server:
    """Serve a copy of the fixture data for the whole session (tests only read it)."""
    return make_server(fixture_data())


@pytest.fixture(scope="session")
def repo_server(make_server, tmp_path_factory) -> Server:
    """Serve a copy of the repository's geodata/."""
    data = tmp_path_factory.mktemp("repo") / "geodata"
    shutil.copytree(REPO / "geodata", data, ignore=NOT_COPIED)
    return make_server(data)


@dataclass
class Watched:
    """A page with everything that must not happen recorded, to assert on at the end."""

    page: object
    server: Server
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def goto(self, path: str):
        """Open a path of the server and return the response."""
        return self.page.goto(self.server.url + path)

    def open_map(self, path: str = "/") -> None:
        """Open the map, frame every feature (the page draws only what is in view: the
        fixture's are few enough to be drawn, not clustered, when all are in view) and wait
        until every feature of every layer is drawn."""
        self.open_explorer(path)
        self.show_everything()
        everything = set().union(*self.server.overlay_members().values())
        if len(everything) <= SMALL:
            self.wait_for_drawn(".leaflet-container [data-feature-id]", everything)
        else:  # more than the tiles draw unclustered: what they hold is drawn, each once
            self.page.wait_for_function(
                """() => mapappTiles.ids().length > 0 && mapappTiles.ids().every(
                    (id) => document.querySelector(`.leaflet-pane [data-feature-id="${id}"]`))"""
            )

    def show_everything(self) -> None:
        """Frame every feature of the server's data (the fixture's: Moscow to Karabakh) and
        wait until the tiles are drawn."""
        self.page.evaluate(
            """async (bounds) => {
                mapappTiles.map.fitBounds(bounds, { animate: false });
                await new Promise((resolve) => setTimeout(resolve, 0));
                await mapappTiles.idle();
            }""",
            self.server.bounds(),
        )

    def open_explorer(self, path: str = "/") -> None:
        """Open the map at ``path`` and wait until its explorer has applied the URL's state."""
        response = self.goto(path)
        assert response.status == 200
        self.page.wait_for_selector("body[data-explore=ready]")
        self.page.evaluate("() => mapappTiles.idle()")

    def open_layers(self) -> None:
        """Unfold the layer list (the page opens with it folded), as its button does."""
        if not self.page.locator(".leaflet-control-layers-expanded").count():
            self.page.locator(".leaflet-control-layers-toggle").click()

    def open_legend(self) -> None:
        """Unfold the legend (the page opens with it folded), as its title does."""
        if not self.page.locator("#map-legend[open]").count():
            self.page.locator("#map-legend summary").click()

    def wait_until_still(self) -> None:
        """Wait until the map neither pans nor zooms (a popup's autopan, a fly to a feature):
        a click during the animation may land beside its target on a slow machine."""
        self.page.wait_for_function(
            """() => {
                const map = window.mapappRegistry && window.mapappRegistry.map;
                return !map || (!map._animatingZoom && !(map._panAnim && map._panAnim._inProgress));
            }"""
        )

    def click_marker(self, feature_id: str) -> None:
        """Click a feature's marker as a reader would: pan the map to it first if it lies
        outside the map's view, and wait until the map stands still."""
        self.wait_until_still()
        if not self.page.evaluate("(id) => Boolean(mapappTiles.feature(id))", feature_id):
            self.show_everything()  # the map draws only what is in view
        self.page.evaluate(
            """(id) => {
                const map = mapappRegistry.map;
                const selector = `.leaflet-marker-icon[data-feature-id="${id}"]`;
                const icon = document.querySelector(selector);
                const box = icon.getBoundingClientRect();
                const view = map.getContainer().getBoundingClientRect();
                const inside = box.left >= view.left && box.right <= view.right
                    && box.top >= view.top && box.bottom <= Math.min(view.bottom, innerHeight);
                if (!inside) {
                    const centre = mapappTiles.feature(id).getBounds().getCenter();
                    map.setView(centre, map.getZoom(), { animate: false });
                }
            }""",
            feature_id,
        )
        self.wait_until_still()
        self.page.locator(f'.leaflet-marker-icon[data-feature-id="{feature_id}"]').first.click()

    def click_in_popup(self, locator) -> None:
        """Click something in the open popup once its autopan has finished."""
        self.wait_until_still()
        locator.click()

    def drawn_ids(self, selector: str = ".leaflet-container [data-feature-id]") -> set[str]:
        """Return the ids of the features with elements matching ``selector`` on the page (by
        default those drawn on the map, not the rows of the lists beside it)."""
        script = "els => els.map(e => e.dataset.featureId)"
        return set(self.page.eval_on_selector_all(selector, script))

    def wait_for_drawn(self, selector: str, ids: set[str]) -> None:
        """Wait until exactly ``ids`` have elements matching ``selector`` and the map's tiles
        (points and shapes) are all drawn (on a timeout, the error names the difference)."""
        try:
            self._wait_for_drawn(selector, ids)
        except playwright_api.TimeoutError:
            drawn = self.drawn_ids(selector)
            raise AssertionError(
                f"{selector}: missing {sorted(ids - drawn)}, extra {sorted(drawn - ids)}"
            ) from None

    def _wait_for_drawn(self, selector: str, ids: set[str]) -> None:
        self.page.wait_for_function(
            """([selector, ids]) => {
                const tiles = document.querySelector("[data-tiles]");
                if (tiles && tiles.dataset.tiles !== "ready") return false;
                const drawn = new Set([...document.querySelectorAll(selector)]
                    .map(e => e.dataset.featureId));
                return drawn.size === ids.length && ids.every(id => drawn.has(id));
            }""",
            arg=[selector, sorted(ids)],
        )

    def problems(self) -> list[str]:
        return self.console_errors + self.foreign_requests + self.dialogs


# Every Content-Security-Policy violation becomes a console error, which fails the test.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
    console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
        + ` at ${e.sourceFile || document.URL}:${e.lineNumber}`);
});
"""


@pytest.fixture
def open_page(browser) -> Iterator[Callable[[Server], Watched]]:
    """Return a function opening a fresh 1280x800 page on a server, watched for problems.

    Tiles are answered with a blank PNG; a request to any other host is aborted and recorded;
    console errors, uncaught exceptions and dialogs are recorded. Any of them fails the test.
    """
    contexts, watched = [], []

    def open_(server: Server) -> Watched:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(_WAIT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if _SLOWDOWN > 1:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": _SLOWDOWN})
        w = Watched(page, server)
        watched.append(w)
        own = urlsplit(server.url).netloc

        def route(route):
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                route.continue_()
            elif parts.netloc != own:
                w.foreign_requests.append(f"request to another host: {url}")
                route.abort()
            elif parts.path.startswith("/tiles/"):
                route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
            else:
                route.continue_()

        context.route("**/*", route)
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        page.on(
            "console",
            lambda m: m.type == "error" and w.console_errors.append(f"console: {m.text}"),
        )
        page.on("pageerror", lambda e: w.console_errors.append(f"page error: {e}"))

        def dialog(d):
            w.dialogs.append(f"dialog: {d.type} {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        return w

    yield open_
    for context in contexts:
        context.close()
    problems = [p for w in watched for p in w.problems()]
    assert not problems, problems
