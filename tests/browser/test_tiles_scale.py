"""The map by the tile (static/tiles.js) in a real browser: only what is visible is fetched and
drawn, as clusters when dense, as features (each once) when zoomed in.

The map page draws its features with tiles.js (mapdraw.js attaches it to the page's map):
each test opens the map page and drives window.mapappTiles.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from liveserver import HOST, LiveServer, free_port
from wholelayers import layer_info, write_layers

from mapapp.store.layers import Store

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "mapfixture"
#: Generated events: a 20 x 20 grid, 0.01 degrees apart, all in tile 9/322/193. (Few enough
#: that the map page, which still embeds every feature, loads fast on a slow machine.)
COLUMNS, ROWS, STEP, ORIGIN = 20, 20, 0.01, (46.45, 40.25)
TYPES = ("combat", "ceasefire", "humanitarian")
GENERATED = COLUMNS * ROWS
HOSTILE = "event-hostile"
HOSTILE_NAME = '<img src=x onerror="alert(1)"> «1 {{ 6*7 }} 1» ${7*7}'


def _at(i: int) -> tuple[float, float]:
    """Return the (lon, lat) of generated event ``i``."""
    row, column = divmod(i, COLUMNS)
    return round(ORIGIN[0] + column * STEP, 6), round(ORIGIN[1] + row * STEP, 6)


def _events() -> list[dict]:
    first = dt.date(2020, 1, 1)
    events = []
    for i in range(GENERATED):
        lon, lat = _at(i)
        events.append(
            {
                "type": "Feature",
                "id": f"event-gen-{i:04d}",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "layer": "events",
                    "name": f"Generated event {i}",
                    "event_type": TYPES[i % 3],
                    "kind": TYPES[i % 3],
                    "date": (first + dt.timedelta(days=i % 366)).isoformat(),
                    "geo_precision": "exact",
                    "sources": [],
                },
            }
        )
    # A name that would run if any engine evaluated it, away from the grid.
    events.append(
        {
            "type": "Feature",
            "id": HOSTILE,
            "geometry": {"type": "Point", "coordinates": [46.3, 40.45]},
            "properties": {
                "layer": "events",
                "name": HOSTILE_NAME,
                "event_type": "combat",
                "date": "2020-06-01",
                "geo_precision": "exact",
                "sources": [],
            },
        }
    )
    return events


@pytest.fixture(scope="module")
def tiles_data(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("tiles") / "geodata"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns(".lock"))
    return write_layers(target, {"events": _events()})


#: The app with the tiles blueprint registered (mapapp.web does not register it yet).
_SERVE = """
import sys, waitress
from mapapp import create_app
from mapapp.web import map_tiles
app = create_app()
if "map_tiles" not in app.blueprints:
    app.register_blueprint(map_tiles.bp)
waitress.serve(app, host=sys.argv[1], port=int(sys.argv[2]), threads=4, ident="mapapp")
"""


class TilesServer(LiveServer):
    """The app, configured by MAPAPP_* variables, with the tiles API registered."""

    @property
    def command(self) -> list[str]:
        return [self.python, "-c", _SERVE, HOST, str(self.port)]


@pytest.fixture(scope="module")
def tiles_server(tiles_data: Path, tmp_path_factory) -> Iterator[TilesServer]:
    port = free_port()
    env = {
        "MAPAPP_DATA_DIR": str(tiles_data),
        "MAPAPP_TILE_URL": f"http://{HOST}:{port}/tiles/{{z}}/{{x}}/{{y}}.png",
    }
    log_dir = tmp_path_factory.mktemp("log")
    with TilesServer(tiles_data, env=env, port=port, timeout=30, log_dir=log_dir) as server:
        assert b'"clusters"' in server.get("/api/map/tiles/0/0/0.json")
        yield server


@pytest.fixture(scope="module")
def points(tiles_data: Path) -> dict[str, tuple[float, float]]:
    """Every Point feature's position, by id (what the tiles count)."""
    return {
        f["id"]: tuple(f["geometry"]["coordinates"][:2])
        for _, collection in layer_info(Store(tiles_data))
        for f in collection["features"]
        if f["geometry"]["type"] == "Point"
    }


class TiledMap:
    """A map page drawn by tiles.js, with the tile requests it made recorded."""

    def __init__(self, watched):
        self.watched, self.page = watched, watched.page
        self.requests: list[str] = []
        self.page.on(
            "request",
            lambda r: "/api/map/tiles/" in r.url and self.requests.append(r.url),
        )
        watched.open_explorer("/")

    def view(self, lat: float, lon: float, zoom: int) -> None:
        """Jump to a view and wait until every visible tile is drawn."""
        self.page.evaluate(
            """async ([lat, lon, zoom]) => {
                mapappTiles.map.setView([lat, lon], zoom, { animate: false });
                await new Promise((resolve) => setTimeout(resolve, 0));
                await mapappTiles.idle();
            }""",
            [lat, lon, zoom],
        )

    def idle(self) -> None:
        self.page.evaluate("() => mapappTiles.idle()")

    def visible_tiles(self) -> set[tuple[int, int, int]]:
        """Return the tiles that cover the map's container now (as GridLayer computes them)."""
        z, x0, y0, x1, y1 = self.page.evaluate(
            """() => {
                const map = mapappTiles.map, b = map.getPixelBounds();
                return [map.getZoom(), Math.floor(b.min.x / 256), Math.floor(b.min.y / 256),
                        Math.ceil(b.max.x / 256) - 1, Math.ceil(b.max.y / 256) - 1];
            }"""
        )
        n = 2**z
        return {(z, x % n, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1) if 0 <= y < n}

    def clusters(self) -> list[int]:
        return self.page.eval_on_selector_all(
            ".mapapp-cluster", "els => els.map(e => Number(e.dataset.clusterCount))"
        )

    def drawn(self) -> list[str]:
        """Return the id of every feature drawn (one per feature, not per element)."""
        return self.page.evaluate("() => mapappTiles.ids()")

    def requested(self) -> list[tuple[int, int, int]]:
        out = []
        for url in self.requests:
            z, x, y = url.split("/api/map/tiles/")[1].split(".json")[0].split("/")
            out.append((int(z), int(x), int(y)))
        return out


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def _in(tiles: set, points: dict[str, tuple[float, float]]) -> set[str]:
    return {
        i for i, (lon, lat) in points.items() if _tile_of(lon, lat, next(iter(tiles))[0]) in tiles
    }


def test_only_visible_tiles_are_fetched_and_dense_ones_are_clusters(
    open_page, tiles_server, points
) -> None:
    tiled = TiledMap(open_page(tiles_server))
    tiled.requests.clear()
    tiled.view(40.3, 46.5, 9)
    visible = tiled.visible_tiles()
    asked = tiled.requested()
    assert asked, "the view was fetched"
    assert set(asked) <= visible, "nothing outside the view"
    assert len(asked) == len(set(asked)), "each tile once"
    assert len(visible) <= 30

    # The grid's tile has 1,200 points: a cluster grid. Every point in view is counted once:
    # in a cluster, or drawn.
    counts = tiled.clusters()
    assert counts and sum(counts) >= GENERATED
    drawn = set(tiled.drawn())
    assert not {i for i in drawn if i.startswith("event-gen-")}, "the dense tile is clustered"
    assert sum(counts) + len(drawn & set(points)) == len(_in(visible, points))

    # Back to a view seen: answered from the cache, nothing fetched.
    tiled.view(40.3, 46.5, 12)
    tiled.requests.clear()
    tiled.view(40.3, 46.5, 9)
    assert tiled.requests == []
    assert sorted(tiled.clusters()) == sorted(counts)


def test_zooming_in_and_back_at_once_draws_the_same_clusters(open_page, tiles_server) -> None:
    tiled = TiledMap(open_page(tiles_server))
    tiled.view(40.3, 46.5, 9)
    counts = sorted(tiled.clusters())
    # Leaflet may keep the tiles of the zoom left a moment (with fade animation: 250 ms) and
    # reuse them when the map comes back at once; reused or made anew, they must be drawn.
    tiled.page.evaluate(
        """async () => {
            const map = mapappTiles.map;
            map.setView([40.3, 46.5], 11, { animate: false });
            await mapappTiles.idle();
            map.setView([40.3, 46.5], 9, { animate: false });
            await new Promise((resolve) => setTimeout(resolve, 0));
            await mapappTiles.idle();
        }"""
    )
    assert sorted(tiled.clusters()) == counts
    tiled.page.wait_for_timeout(600)  # Leaflet has pruned the zoom-11 tiles by now
    assert sorted(tiled.clusters()) == counts


def test_clicking_a_cluster_zooms_in_until_the_features_show(
    open_page, tiles_server, points
) -> None:
    tiled = TiledMap(open_page(tiles_server))
    tiled.view(40.3, 46.5, 9)
    page = tiled.page
    for _ in range(8):
        if not tiled.clusters():
            break
        before = page.evaluate("() => mapappTiles.map.getZoom()")
        biggest = page.evaluate(
            """() => {
                const all = [...document.querySelectorAll(".mapapp-cluster")];
                const view = mapappTiles.map.getContainer().getBoundingClientRect();
                // In view, and not under a control: what a reader can click.
                const inside = all.filter((e) => {
                    const b = e.getBoundingClientRect();
                    const hit = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
                    return b.left >= view.left && b.right <= view.right
                        && b.top >= view.top && b.bottom <= Math.min(view.bottom, innerHeight)
                        && hit !== null && hit.closest(".mapapp-cluster") === e;
                });
                inside.sort((a, b) => b.dataset.clusterCount - a.dataset.clusterCount);
                if (!inside.length) return null;
                inside[0].setAttribute("data-test-target", "");
                return inside[0].dataset.clusterCount;
            }"""
        )
        if biggest is None:
            break
        page.locator(".mapapp-cluster[data-test-target]").first.click()
        page.wait_for_function(f"() => mapappTiles.map.getZoom() > {before}")
        tiled.watched.wait_until_still()
        tiled.idle()
    assert page.evaluate("() => mapappTiles.map.getZoom()") > 9
    drawn = set(tiled.drawn())
    assert {i for i in drawn if i.startswith("event-gen-")}, "zoomed in: the events themselves"
    # Each feature is on the page once, whichever tiles hold it.
    per_element = page.evaluate(
        """() => mapappTiles.ids().filter((id) =>
            document.querySelectorAll(`.leaflet-pane [data-feature-id="${id}"]`).length
                !== mapappTiles.feature(id).getLayers().length)"""
    )
    assert per_element == []


def test_features_across_tiles_are_drawn_once_and_popups_load(open_page, tiles_server) -> None:
    tiled = TiledMap(open_page(tiles_server))
    lon, lat = _at(44)
    tiled.view(lat + 0.001, lon + 0.001, 15)
    page = tiled.page
    assert tiled.clusters() == []
    drawn = set(tiled.drawn())
    assert "event-gen-0044" in drawn
    # The Azerbaijan outline crosses the whole view: the point tiles leave it out, and each
    # 2048-pixel square of the view holds it; it is drawn once.
    assert page.evaluate("() => !mapappTiles.layer._drawn.has('region-azerbaijan')")
    refs = page.evaluate("() => mapappTiles.shapes._drawn.get('region-azerbaijan').refs")
    squares = page.evaluate(
        """() => [...mapappTiles.shapes._records.values()].filter(
            (r) => r.coords.z === mapappTiles.shapes._tileZoom && r.ids.has('region-azerbaijan')
        ).length"""
    )
    assert refs == squares >= 1
    assert squares < len(tiled.visible_tiles())
    assert page.locator('.leaflet-pane [data-feature-id="region-azerbaijan"]').count() == 1

    marker = page.locator('.leaflet-marker-icon[data-feature-id="event-gen-0044"]')
    tiled.watched.wait_until_still()
    marker.click()
    popup = page.locator('.leaflet-popup-content .fp[data-feature-id="event-gen-0044"]')
    popup.wait_for()
    assert "Generated event 44" in popup.locator(".fp-name").inner_text()


def test_the_state_narrows_what_tiles_show_and_only_the_last_state_is_fetched(
    open_page, tiles_server
) -> None:
    tiled = TiledMap(open_page(tiles_server))
    tiled.view(40.28, 46.5, 13)
    page = tiled.page
    everything = set(tiled.drawn())
    assert {i for i in everything if i.startswith("event-gen-")}

    # Many states in a row (a slider dragged): only the last is fetched.
    tiled.requests.clear()
    page.evaluate(
        """async () => {
            for (const type of ["combat", "ceasefire", "humanitarian"]) {
                mapappTiles.setState({ type });
            }
            await mapappTiles.setState({ layers: ["places", "events-ceasefire"] });
        }"""
    )
    assert tiled.requests, "the new state was fetched"
    assert all("layers=events-ceasefire%2Cplaces" in url for url in tiled.requests), tiled.requests
    drawn = set(tiled.drawn())
    generated = {i for i in drawn if i.startswith("event-gen-")}
    assert generated, "ceasefires in view"
    assert all(int(i.rsplit("-", 1)[1]) % 3 == 1 for i in generated), "only ceasefires"
    assert not {i for i in drawn if i.startswith(("route-", "region-"))}

    # Back to everything: from the cache.
    tiled.requests.clear()
    page.evaluate("() => mapappTiles.setState({})")
    assert tiled.requests == []
    assert set(tiled.drawn()) == everything


def test_text_from_the_data_is_shown_as_text(open_page, tiles_server) -> None:
    tiled = TiledMap(open_page(tiles_server))
    tiled.view(40.45, 46.3, 14)
    page = tiled.page
    assert HOSTILE in tiled.drawn()
    marker = page.locator(f'.leaflet-marker-icon[data-feature-id="{HOSTILE}"]')
    tiled.watched.wait_until_still()
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert HOSTILE_NAME in tooltip.inner_text()
    marker.click()
    name = page.locator(f'.leaflet-popup-content .fp[data-feature-id="{HOSTILE}"] .fp-name')
    name.wait_for()
    assert name.inner_text() == HOSTILE_NAME
    assert page.locator('img[src="x"]').count() == 0
    # (open_page fails the test on any dialog, console error or CSP violation.)
