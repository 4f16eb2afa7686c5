"""The map by the tile (/api/map/tiles/z/x/y.json) and the feature list (/api/map/features).

The oracle for what a tile holds is computed here from the whole layers: the features the
state shows (``viewfilter.matches``) whose point lies in the tile, or whose bounds meet it.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pytest
from wholelayers import layer_info, write_layers

from mapapp import create_app
from mapapp.core.text import css_token
from mapapp.i18n import Translator
from mapapp.mapview import layout as maplayout
from mapapp.mapview.tiles import list_record, tile_payload
from mapapp.query.viewfilter import matches, parse_state
from mapapp.store import queries
from mapapp.store.layers import Store
from mapapp.web import map_tiles

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "mapfixture"
#: Tile 8/161/97 holds Stepanakert (46.75, 39.82), Shusha and the Lachin corridor.
Z8 = (8, 161, 97)
ARTICLE = "2020-11-17-russia-humanitarian-centre"
EVENT_TYPES = ("combat", "ceasefire", "humanitarian")


# -- fixtures ------------------------------------------------------------------------------
def _client(data_dir: Path):
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    if "map_tiles" not in app.blueprints:  # until mapapp.web registers it itself
        app.register_blueprint(map_tiles.bp)
    return app.test_client()


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    return shutil.copytree(FIXTURE, tmp_path / "geodata", ignore=shutil.ignore_patterns(".lock"))


@pytest.fixture
def client(fixture_dir: Path):
    return _client(fixture_dir)


def _generated_events(n: int = 1000) -> list[dict]:
    """Return ``n`` point events on a 25 x 40 grid over the Caucasus, of three types, one a
    day from 2019-01-01, with no sources (they go to the "unsourced" partition)."""
    first = dt.date(2019, 1, 1)
    events = []
    for i in range(n):
        row, column = divmod(i, 40)
        event_type = EVENT_TYPES[i % len(EVENT_TYPES)]
        day = first + dt.timedelta(days=i)
        events.append(
            {
                "type": "Feature",
                "id": f"event-gen-{i:04d}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [44.0 + column * 0.1, 38.5 + row * 0.1],
                },
                "properties": {
                    "layer": "events",
                    "name": f"Generated event {i}",
                    "name_vi": f"Sự kiện {i}",
                    "kind": event_type,
                    "event_type": event_type,
                    "date": day.isoformat(),
                    "geo_precision": "exact",
                    "sources": [],
                },
            }
        )
    return events


@pytest.fixture(scope="module")
def many_dir(tmp_path_factory) -> Path:
    """The fixture plus 1,000 generated point events around Nagorno-Karabakh."""
    target = tmp_path_factory.mktemp("many") / "geodata"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns(".lock"))
    return write_layers(target, {"events": _generated_events()})


@pytest.fixture
def many(many_dir: Path):
    return _client(many_dir)


# -- the oracle ----------------------------------------------------------------------------
def _bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def _in_tile(feature: dict, tile: tuple[int, int, int]) -> bool:
    west, south, east, north = _bounds(*tile)
    geometry = feature["geometry"]
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"][:2]
        return west <= lon < east and south < lat <= north
    positions = list(maplayout.points(geometry))
    lons, lats = [p[0] for p in positions], [p[1] for p in positions]
    return min(lons) <= east and max(lons) >= west and min(lats) <= north and max(lats) >= south


def _expected(data_dir: Path, tile: tuple[int, int, int], **state: str) -> set[str]:
    view = parse_state(state)
    return {
        f["id"]
        for layer, collection in layer_info(Store(data_dir))
        for f in collection["features"]
        if matches(layer.id, f, view) and _in_tile(f, tile)
    }


def _point_ids(data_dir: Path) -> set[str]:
    """Return the ids of the features at one or more points (counted at their first point;
    lines and areas are never clustered)."""
    return {
        f["id"]
        for _, collection in layer_info(Store(data_dir))
        for f in collection["features"]
        if f["geometry"]["type"] in ("Point", "MultiPoint")
    }


def _tile(client, tile: tuple[int, int, int], **args: str):
    z, x, y = tile
    return client.get(f"/api/map/tiles/{z}/{x}/{y}.json", query_string=args)


def _shapes(client, tile: tuple[int, int, int], **args: str):
    """The lines and areas of 256-pixel tile z/x/y: the 2048-pixel square x/y at zoom z + 3."""
    z, x, y = tile
    return client.get(f"/api/map/shapes/{z + 3}/{x}/{y}.json", query_string=args)


def _both(client, tile: tuple[int, int, int], **args: str) -> dict:
    """What the map draws in tile z/x/y: its points (features or clusters) and the lines and
    areas crossing it; checking that each answer holds only its own kind."""
    points = _tile(client, tile, **args)
    shapes = _shapes(client, tile, **args)
    assert points.status_code == shapes.status_code == 200, (points.json, shapes.json)
    body, more = points.get_json(), shapes.get_json()
    assert all(_is_point(f) for f in body["features"])
    assert not any(_is_point(f) for f in more["features"]) and not more["clusters"]
    return {**body, "features": body["features"] + more["features"]}


def _is_point(spec: dict) -> bool:
    return all(part.get("path") not in ("polygon", "polyline") for part in spec["parts"])


def _ids(body: dict) -> list[str]:
    return [f["id"] for f in body["features"]]


# -- tiles -----------------------------------------------------------------------------------
def test_a_tile_holds_the_features_in_it_drawn_as_the_whole_map_draws_them(
    client, fixture_dir: Path
) -> None:
    response = _tile(client, Z8)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert _shapes(client, Z8).mimetype == "application/json"
    body = _both(client, Z8)
    assert (body["z"], body["x"], body["y"]) == Z8
    ids = _ids(body)
    assert len(ids) == len(set(ids)), "each feature once"
    assert set(ids) == _expected(fixture_dir, Z8)
    assert {"place-stepanakert", "place-shusha", "event-demining", "route-lachin-road"} <= set(ids)
    assert not {"place-moscow", "place-ankara", "route-call-moscow-ankara"} & set(ids)
    assert body["clusters"] == []
    assert body["total"] == len(set(ids) & _point_ids(fixture_dir))

    # Every feature in this tile shares its place only with features in the tile, so each is
    # drawn exactly as the whole map draws it, tagged with its overlay.
    everything = [f for _, c in layer_info(Store(fixture_dir)) for f in c["features"]]
    whole = tile_payload({"features": everything, "clusters": [], "total": 0})
    specs = {f["id"]: f for f in whole["features"]}
    for spec in body["features"]:
        expected = dict(specs[spec["id"]])
        overlay = expected["overlay"]
        assert spec["overlay"] == overlay
        assert spec["layer"] == ("events" if overlay.startswith("events-") else overlay)
        assert spec == expected
    assert {b[0] for b in body["badges"]} == {b[0] for b in whole["badges"] if b[0] in set(ids)}


def test_the_overlays_in_a_tile_are_in_the_map_s_drawing_order(client) -> None:
    body = _shapes(client, Z8).get_json()
    layers = [f["layer"] for f in body["features"]]
    assert layers[-2:] == ["regions", "regions"], "regions are drawn beneath, last"
    for spec in body["features"]:
        if spec["layer"] == "events":
            assert spec["overlay"].startswith("events-")
        else:
            assert spec["overlay"] == spec["layer"]


def test_names_in_a_tile_are_in_the_language_asked_for(client) -> None:
    english = _both(client, Z8, lang="en")
    vietnamese = _both(client, Z8, lang="vi")
    tooltips = {f["id"]: f["tooltip"] for f in vietnamese["features"]}
    assert "hành lang Lachin" in tooltips["place-lachin-corridor"]
    english_tooltips = {f["id"]: f["tooltip"] for f in english["features"]}
    assert "Lachin corridor" in english_tooltips["place-lachin-corridor"]


def test_a_tile_far_from_any_feature_is_empty(client) -> None:
    body = _both(client, (8, 0, 0))
    assert body == {
        "z": 8,
        "x": 0,
        "y": 0,
        "total": 0,
        "features": [],
        "badges": [],
        "clusters": [],
    }


def test_deep_tiles_work_beyond_the_index_grid(client, fixture_dir: Path) -> None:
    # Stepanakert at zoom 20: deeper than the index's tile keys (zoom 16).
    z = 20
    n = 2**z
    lon, lat = 46.75194, 39.81528
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    ids = set(_ids(_tile(client, (z, x, y)).get_json()))
    assert "place-stepanakert" in ids
    assert ids == _expected(fixture_dir, (z, x, y)) & _point_ids(fixture_dir)


@pytest.mark.parametrize(
    "state",
    [
        {"layers": "places"},
        {"layers": "events-demining,routes"},
        {"layers": ""},
        {"from": "2020-11-22"},
        {"to": "2020-11-21"},
        {"from": "2020-11-21", "to": "2020-11-21"},
        {"type": "demining"},
        {"article": ARTICLE},
        {"sentence": f"{ARTICLE}:1"},
        {"layers": "places,events-airlift", "from": "2020-11"},
    ],
)
def test_a_tile_shows_what_the_state_shows(client, fixture_dir: Path, state: dict) -> None:
    assert set(_ids(_both(client, Z8, **state))) == _expected(fixture_dir, Z8, **state)


def test_many_points_are_clusters_at_low_zoom(many, many_dir: Path) -> None:
    # Zoom 2, tile 2/1 holds the Caucasus: 1,000 generated points and a few of the fixture.
    tile = (2, 2, 1)
    body = _tile(many, tile).get_json()
    expected = _expected(many_dir, tile)
    points = expected & _point_ids(many_dir)
    assert body["total"] == len(points) > 1000
    assert body["clusters"], "too many points: clusters"
    singles = {spec["id"] for spec in body["features"]}
    assert singles <= points, "a point not in a cluster is drawn alone"
    assert sum(c["count"] for c in body["clusters"]) + len(singles) == body["total"]
    assert len(body["clusters"]) + len(singles) <= 16, "at most a 4 x 4 grid"
    # Points are in clusters or alone in their cell; lines and areas are still drawn whole.
    assert set(_ids(_both(many, tile))) == (expected - points) | singles
    west, south, east, north = _bounds(*tile)
    for cluster in body["clusters"]:
        w, s, e, n = cluster["bbox"]
        assert west <= w <= cluster["lon"] <= e <= east
        assert south <= s <= cluster["lat"] <= n <= north
        assert cluster["label"] == f"{cluster['count']:,} features"
    vi = _tile(many, tile, lang="vi").get_json()
    big = max(vi["clusters"], key=lambda c: c["count"])
    assert big["label"] == f"{big['count']:,} đối tượng".replace(",", ".")


def test_clusters_follow_the_state(many) -> None:
    tile = (2, 2, 1)
    combat = _tile(many, tile, type="combat").get_json()
    generated_combat = 334  # every third of 1,000, from the first; the fixture has no combat
    places_and_posts = _tile(many, tile, layers="places,peacekeeping-posts").get_json()["total"]
    assert combat["total"] == generated_combat + places_and_posts
    clustered = sum(c["count"] for c in combat["clusters"])
    assert clustered + len(combat["features"]) == combat["total"]
    only = _tile(many, tile, layers="events-combat").get_json()
    assert only["total"] == generated_combat
    # One day a generated event, from 2019-01-01: 2019-01 holds 31 of them, a few per type.
    generated = "events-combat,events-ceasefire,events-humanitarian"
    january = _tile(many, tile, layers=generated, **{"from": "2019-01", "to": "2019-01"})
    january = january.get_json()
    assert january["total"] == 31
    assert january["clusters"] == [], "few enough to draw one by one"
    assert len(january["features"]) == 31


def _cell(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.mark.parametrize("z", [8, 9])
def test_a_crowded_tile_shows_clusters_and_the_points_alone_in_their_cell(
    many, many_dir: Path, z: int
) -> None:
    # Around (46, 40): the generated points, 0.1 degree apart, on a grid of 4 x 4 cells a
    # tile: at zoom 9, cells of zoom 11 (0.18 degree wide, counted in the index as they are),
    # one to four points a cell; at zoom 8, cells of zoom 10 (four counted cells to one).
    tile = (z, *_cell(46.05, 40.05, z))
    body = _tile(many, tile).get_json()
    points = _expected(many_dir, tile) & _point_ids(many_dir)
    assert queries.TILE_POINTS < body["total"] == len(points) <= queries.SMALL_MAP
    layers = {f["id"]: f for _, c in layer_info(Store(many_dir)) for f in c["features"]}
    per_cell: dict[tuple[int, int], set[str]] = {}
    for fid in points:
        lon, lat = layers[fid]["geometry"]["coordinates"][:2]
        per_cell.setdefault(_cell(lon, lat, tile[0] + 2), set()).add(fid)
    assert len(per_cell) <= 16, "at most a 4 x 4 grid"
    alone = {next(iter(ids)) for ids in per_cell.values() if len(ids) == 1}
    if z == 9:
        assert alone and len(alone) < len(points)
    assert {spec["id"] for spec in body["features"]} == alone
    counts = sorted(c["count"] for c in body["clusters"])
    assert counts == sorted(len(ids) for ids in per_cell.values() if len(ids) > 1)
    # Each cluster's position is the mean of its points, its bounds theirs or its cell's.
    for cluster in body["clusters"]:
        cell = _cell(cluster["lon"], cluster["lat"], tile[0] + 2)
        coords = [layers[fid]["geometry"]["coordinates"][:2] for fid in per_cell[cell]]
        assert cluster["count"] == len(coords)
        assert cluster["lon"] == pytest.approx(sum(c[0] for c in coords) / len(coords), abs=1e-5)
        assert cluster["lat"] == pytest.approx(sum(c[1] for c in coords) / len(coords), abs=1e-5)
        west, south, east, north = cluster["bbox"]
        assert all(west - 1e-6 <= c[0] <= east + 1e-6 for c in coords)
        assert all(south - 1e-6 <= c[1] <= north + 1e-6 for c in coords)


def test_a_small_map_draws_every_point_of_a_crowded_tile(tmp_path: Path) -> None:
    # The fixture with 100 generated events for its events: at most SMALL_MAP features in
    # all, so a tile of more than TILE_POINTS of them still draws each one.
    data = tmp_path / "geodata"
    shutil.copytree(FIXTURE, data, ignore=shutil.ignore_patterns(".lock", ".index"))
    write_layers(data, {"events": _generated_events(100)})
    small = _client(data)
    assert small.get("/api/layers").status_code == 200
    total = sum(len(c["features"]) for _, c in layer_info(Store(data)))
    assert total <= queries.SMALL_MAP
    tile = (6, *_cell(46.0, 38.6, 6))
    body = _tile(small, tile).get_json()
    assert body["total"] > queries.TILE_POINTS
    assert body["clusters"] == [] and len(body["features"]) == body["total"]


def test_a_zoomed_in_tile_draws_its_points_one_by_one(many) -> None:
    # Zoom 10 around (46.0, 40.0): a few of the generated grid's points.
    z, lon, lat = 10, 46.05, 40.05
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    body = _tile(many, (z, x, y), layers="events-combat,events-ceasefire,events-humanitarian")
    body = body.get_json()
    assert body["clusters"] == []
    assert 0 < body["total"] == len(body["features"]) <= 200
    for spec in body["features"]:
        assert spec["id"].startswith("event-gen-")
        assert spec["parts"][0]["marker"], "a badge"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/map/tiles/23/0/0.json", "z"),
        ("/api/map/tiles/-1/0/0.json", "z"),
        ("/api/map/tiles/2/4/0.json", "x"),
        ("/api/map/tiles/2/-1/0.json", "x"),
        ("/api/map/tiles/2/0/4.json", "y"),
        ("/api/map/tiles/0/0/1.json", "y"),
        ("/api/map/tiles/2/0/0.json?layers=Bad!", "layers"),
        ("/api/map/tiles/2/0/0.json?layers=events-nothing", "layers"),
        ("/api/map/tiles/2/0/0.json?from=2020-13", "from"),
        ("/api/map/tiles/2/0/0.json?to=yesterday", "to"),
        ("/api/map/tiles/2/0/0.json?from=2021&to=2020", "to"),
        ("/api/map/tiles/2/0/0.json?article=../etc", "article"),
        ("/api/map/tiles/2/0/0.json?sentence=nope", "sentence"),
        ("/api/map/tiles/2/0/0.json?type=" + "x" * 121, "type"),
        ("/api/map/tiles/2/0/0.json?lang=fr", "lang"),
        ("/api/map/tiles/2/0/0.json?bbox=1,2,3,4", "bbox"),
    ],
)
def test_a_bad_tile_or_state_is_a_400_naming_the_parameter(client, path, parameter) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert f"'{parameter}'" in response.get_json()["error"]


def test_a_tile_address_that_is_not_numbers_is_a_json_404(client) -> None:
    response = client.get("/api/map/tiles/a/0/0.json")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_tiles_carry_an_etag_and_answer_304_until_the_data_changes(
    client, fixture_dir: Path
) -> None:
    first = _tile(client, Z8, lang="en")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = _tile(client, Z8, lang="en")
    assert again.headers["ETag"] == etag
    assert again.get_data() == first.get_data()

    z, x, y = Z8
    url = f"/api/map/tiles/{z}/{x}/{y}.json?lang=en"
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    several = client.get(url, headers={"If-None-Match": f'"other", {etag}'})
    assert several.status_code == 304

    # Another state, tile or language is another answer.
    assert _tile(client, Z8, lang="en", layers="places").headers["ETag"] != etag
    assert _tile(client, (8, 161, 98), lang="en").headers["ETag"] != etag
    assert _tile(client, Z8, lang="vi").headers["ETag"] != etag

    # A write changes the data version: the old ETag no longer matches.
    store = Store(fixture_dir)
    event = {
        "type": "Feature",
        "id": "event-new",
        "geometry": {"type": "Point", "coordinates": [46.76, 39.82]},
        "properties": {"layer": "events", "name": "New", "event_type": "combat"},
    }
    with store.lock():
        store.write({"unsourced": {"type": "FeatureCollection", "features": [event]}}, {})
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "event-new" in _ids(changed.get_json())


# -- the feature list ------------------------------------------------------------------------
def _list(client, **args) -> dict:
    response = client.get("/api/map/features", query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Mát-xcơ-va", "place-moscow"),
        ("mat xco va", "place-moscow"),
        ("MAT-XCO", "place-moscow"),
        ("hanh lang", "place-lachin-corridor"),
        ("Hành Lang", "route-corridor-area"),
        ("stepanakert", "place-stepanakert"),
        ("Stepanakert", "route-demined"),  # "đoạn đường đến Stepanakert"
    ],
)
def test_search_ignores_case_and_diacritics(client, q: str, found: str) -> None:
    body = _list(client, q=q)
    assert found in [f["id"] for f in body["features"]]
    assert body["total"] == len(body["features"])


def test_search_ranks_the_best_match_first_and_finds_nothing_for_nonsense(client) -> None:
    assert _list(client, q="stepanakert")["features"][0]["id"] == "place-stepanakert"
    empty = {"total": 0, "limit": 50, "offset": 0, "features": [], "articles": []}
    assert _list(client, q="zzzqqq") == empty
    assert _list(client, q="(*)")["total"] == 0, "FTS syntax is not an operator"


def test_the_list_gives_compact_records_newest_first(client, fixture_dir: Path) -> None:
    body = _list(client, layers="events-demining,events-airlift,events-casualties")
    records = body["features"]
    newest_first = ["event-demining", "event-airlift-1611", "event-casualties"]
    assert [r["id"] for r in records] == newest_first
    assert {
        k: records[0][k] for k in ("id", "layer", "overlay", "name", "date", "kind", "lon", "lat")
    } == {
        "id": "event-demining",
        "layer": "events",
        "overlay": "events-demining",
        "name": "Lachin corridor demined",
        "date": "2020-11-21",
        "kind": "demining",
        "lon": 46.7,
        "lat": 39.73,
    }
    # What a row of the list shows: the type and the date in words, and where to frame it.
    assert records[0]["label"] == "Demining" and records[0]["when"] == "21 Nov 2020"
    assert records[0]["start"] == records[0]["end"] == "2020-11-21"
    (south, west), (north, east) = records[0]["bounds"]
    assert south < records[0]["lat"] < north and west < records[0]["lon"] < east
    assert body["total"] == 3
    vi = _list(client, layers="events-demining", lang="vi")["features"]
    assert vi[0]["name"] == "rà phá"


def test_the_list_applies_the_state_and_the_box(client, fixture_dir: Path) -> None:
    everything = _list(client, limit=200)
    store = Store(fixture_dir)
    assert everything["total"] == sum(len(c["features"]) for _, c in layer_info(store))
    places = _list(client, layers="places")
    assert {r["layer"] for r in places["features"]} == {"places"}
    karabakh = _list(client, bbox="46,39,47.5,40.5", layers="places")
    ids = {r["id"] for r in karabakh["features"]}
    assert "place-stepanakert" in ids and "place-moscow" not in ids
    # A box across the antimeridian: nothing of ours lies there.
    assert _list(client, bbox="170,-10,-170,10")["total"] == 0
    assert _list(client, bbox="170,30,-150,60", q="moscow")["total"] == 0
    assert _list(client, bbox="30,30,-150,60", q="moscow")["total"] == 1
    typed = _list(client, type="demining", layers="events-demining,events-airlift")
    assert [r["id"] for r in typed["features"]] == ["event-demining"]


def test_the_list_pages_without_gaps_or_repeats(many) -> None:
    args = {"layers": "events-combat", "limit": 150}
    first = _list(many, **args)
    second = _list(many, offset=150, **args)
    third = _list(many, offset=300, **args)
    assert first["total"] == second["total"] == 334
    ids = [r["id"] for page in (first, second, third) for r in page["features"]]
    assert len(ids) == len(set(ids)) == 334
    dates = [r["date"] for page in (first, second, third) for r in page["features"]]
    assert dates == sorted(dates, reverse=True)
    assert _list(many, limit=200, layers="events-combat")["limit"] == 200


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ({"limit": "201"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "10001"}, "offset"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "1,2,3,x"}, "bbox"),
        ({"bbox": "1,50,3,40"}, "bbox"),
        ({"bbox": "1,2,200,4"}, "bbox"),
        ({"bbox": "nan,2,3,4"}, "bbox"),
        ({"q": "x" * 201}, "q"),
        ({"layers": "nope-nope"}, "layers"),
        ({"from": "20201"}, "from"),
        ({"page": "2"}, "page"),
    ],
)
def test_a_bad_list_request_is_a_400_naming_the_parameter(client, args, parameter) -> None:
    response = client.get("/api/map/features", query_string=args)
    assert response.status_code == 400
    assert f"'{parameter}'" in response.get_json()["error"]


def test_the_list_carries_an_etag(client) -> None:
    first = client.get("/api/map/features?q=stepanakert&lang=en")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/api/map/features?q=stepanakert&lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/api/map/features?q=shusha&lang=en", headers={"If-None-Match": etag})
    assert other.status_code == 200


# -- the payload itself --------------------------------------------------------------------
def test_tile_payload_takes_a_mapping_and_escapes_names_once() -> None:
    name = '<img src=x onerror="alert(1)"> & {{ 6*7 }}'
    feature = {
        "type": "Feature",
        "id": "event-x",
        "geometry": {"type": "Point", "coordinates": [46.0, 40.0]},
        "properties": {"layer": "events", "name": name, "event_type": "combat"},
    }
    unknown = {**feature, "id": "other", "properties": {"layer": "no-such-layer"}}
    cluster = {"count": 1234, "lon": 1.0, "lat": 2.0, "bbox": (0.5, 1.5, 1.5, 2.5)}
    payload = tile_payload(
        {"features": [feature, unknown], "clusters": [cluster], "total": 1234}, Translator("vi")
    )
    assert [f["id"] for f in payload["features"]] == ["event-x"]
    spec = payload["features"][0]
    assert spec["overlay"] == f"events-{css_token('combat')}"
    assert "<img" not in spec["tooltip"]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; {{ 6*7 }}" in spec["tooltip"]
    assert "&amp;amp;" not in str(spec), "escaped once"
    assert payload["clusters"] == [
        {"count": 1234, "lon": 1.0, "lat": 2.0, "bbox": [0.5, 1.5, 1.5, 2.5],
         "label": "1.234 đối tượng"},
    ]  # fmt: skip
    assert payload["total"] == 1234
    # The list gives names as plain text: the browser sets them with textContent.
    assert list_record(feature)["name"] == name


def test_the_app_answers_a_tile_seen_before_without_the_store(client, monkeypatch) -> None:
    calls = []
    real = Store.tile

    def counting(self, flt, z, x, y, **kw):
        calls.append((z, x, y))
        return real(self, flt, z, x, y, **kw)

    monkeypatch.setattr(Store, "tile", counting)
    first = _tile(client, Z8, lang="en").get_data()
    assert _tile(client, Z8, lang="en").get_data() == first
    assert calls == [Z8]
    _tile(client, Z8, lang="vi")
    _tile(client, Z8, lang="en", layers="places")
    assert len(calls) == 3, "another language or state is another answer"


def test_answers_keep_the_most_recent_bodies_within_their_budget() -> None:
    answers = map_tiles.Answers(max_bytes=10)
    made = []

    def make(body: bytes):
        return lambda: made.append(body) or body

    assert answers.get("a", make(b"aaaa")) == b"aaaa"
    assert answers.get("b", make(b"bbbb")) == b"bbbb"
    assert answers.get("a", make(b"----")) == b"aaaa", "kept"
    assert answers.get("c", make(b"cccc")) == b"cccc"  # over budget: "b" (oldest used) goes
    assert answers.size == 8
    assert answers.get("b", make(b"BBBB")) == b"BBBB"
    assert answers.get("huge", make(b"x" * 11)) == b"x" * 11, "too big to keep, still answered"
    assert answers.get("huge", make(b"y" * 11)) == b"y" * 11
    assert made == [b"aaaa", b"bbbb", b"cccc", b"BBBB", b"x" * 11, b"y" * 11]


def test_lines_and_areas_come_by_the_2048_pixel_square(client, fixture_dir: Path) -> None:
    shapes = {
        f["id"]
        for _, collection in layer_info(Store(fixture_dir))
        for f in collection["features"]
        if f["id"] not in _point_ids(fixture_dir)
    }
    assert shapes, "the fixture has routes and regions"
    # Below zoom 3 one square is the world.
    for z in (0, 2, 3):
        body = client.get(f"/api/map/shapes/{z}/0/0.json").get_json()
        assert set(_ids(body)) == shapes
        assert body["clusters"] == [] and body["total"] == 0
    response = client.get("/api/map/shapes/2/1/0.json")
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "bad parameter 'x': expected a column from 0 to 0 of 2048-pixel squares at zoom 2"
    )
    # Zoom 11: the squares are zoom 8's tiles.
    assert set(_ids(client.get("/api/map/shapes/11/161/98.json").get_json())) == {
        i for i in _expected(fixture_dir, (8, 161, 98)) if i in shapes
    }
    # The point tiles leave them out.
    assert not set(_ids(_tile(client, (8, 161, 98)).get_json())) & shapes
