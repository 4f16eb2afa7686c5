"""Box queries answered by the index's R*Trees: exact at the edges, multi-points point by
point, lines by their shape, counts and pages agreeing with a plain test of every feature."""

import random
from datetime import date
from pathlib import Path

import pytest

from mapapp.core.dayspan import feature_span
from mapapp.store import Filter
from mapapp.store import queries as q
from mapapp.store.layers import Store


def _event(fid: str, geometry: dict, day: str | None = "2020-11-10") -> dict:
    props = {"layer": "events", "name": fid, "event_type": "ceasefire"}
    if day is not None:
        props["date"] = day
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": props}


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _store(tmp_path: Path, features: list[dict]) -> Store:
    store = Store(tmp_path)
    collection = {"type": "FeatureCollection", "features": features}
    with store.lock():
        store.write({"2020-11-10-a": collection}, {})
    return store


def _inside(feature: dict, box: tuple[float, float, float, float]) -> bool:
    w, s, e, n = box
    geometry = feature["geometry"]
    coords = geometry["coordinates"]
    points = [coords] if geometry["type"] == "Point" else coords
    return any(w <= lon <= e and s <= lat <= n for lon, lat in points)


def _matches(store: Store, flt: Filter, limit: int = 1000, offset: int = 0) -> list[str]:
    return [f["id"] for f in store.select(flt, limit, offset)]


def test_points_on_and_just_beside_the_edges_match_exactly(tmp_path: Path) -> None:
    # 32-bit floats (the R*Tree's) cannot tell these apart: 46.0 and 46.0 - 1e-7 are one value.
    rng = random.Random(7)
    edges = [46.0, 46.5, 39.8, 40.25, 179.99999, -179.99999]
    features = []
    for i in range(400):
        lon = rng.choice(edges[:2] + edges[4:]) + rng.choice([0, 1e-7, -1e-7, 3e-6, -3e-6, 2e-5])
        lat = rng.choice(edges[2:4]) + rng.choice([0, 1e-7, -1e-7, 3e-6, -3e-6, 2e-5])
        features.append(_event(f"ev-{i:03d}", _point(lon, lat)))
    # Multi-points with points on both sides of an edge.
    for i in range(60):
        a = (rng.choice(edges[:2]) + rng.choice([1e-7, -1e-7, 0]), rng.choice(edges[2:4]))
        b = (a[0] + rng.choice([-1, 1]) * 1e-7, a[1] + rng.choice([-1, 1]) * 1e-7)
        features.append(_event(f"mp-{i:03d}", {"type": "MultiPoint", "coordinates": [a, b]}))
    store = _store(tmp_path, features)
    boxes = [
        (46.0, 39.8, 46.5, 40.25),
        (46.0, 39.8, 46.0, 39.8),
        (46.0 + 1e-7, 39.8 - 1e-7, 46.5 - 1e-7, 40.25 + 1e-7),
        (45.0, 39.8, 46.0 - 1e-7, 41.0),
        (179.99999, -90, 180, 90),
        (-180, -90, -179.99999 + 1e-7, 90),
    ]
    for box in boxes:
        expected = sorted(f["id"] for f in features if _inside(f, box))
        flt = Filter(layers=("events",), boxes=(box,))
        assert store.count(flt) == len(expected), box
        assert sorted(_matches(store, flt)) == expected, box
    # Two boxes at once (an antimeridian bbox is sent as two): each feature once.
    two = Filter(layers=("events",), boxes=(boxes[0], boxes[3]))
    expected = sorted(f["id"] for f in features if _inside(f, boxes[0]) or _inside(f, boxes[3]))
    assert store.count(two) == len(expected)
    assert sorted(_matches(store, two)) == expected


def test_a_multi_point_matches_by_its_points_and_a_line_by_its_shape(tmp_path: Path) -> None:
    multi = _event("ev-multi", {"type": "MultiPoint", "coordinates": [[30, 30], [50, 50]]})
    line = _event("ev-line", {"type": "LineString", "coordinates": [[0, 0], [10, 10]]})
    store = _store(tmp_path, [multi, line])
    for box, expected in [
        ((39, 39, 41, 41), []),  # inside the multi-point's bounds, at none of its points
        ((49, 49, 51, 51), ["ev-multi"]),
        ((29, 29, 51, 51), ["ev-multi"]),  # both points: one match
        ((0, 8, 2, 10), []),  # inside the line's bounds, off the line
        ((4, 4, 6, 6), ["ev-line"]),
    ]:
        flt = Filter(layers=("events",), boxes=(box,))
        assert _matches(store, flt) == expected, box
        assert store.count(flt) == len(expected), box
    # Rewritten without the multi-point, its points are gone from the index too.
    with store.lock():
        collection = {"type": "FeatureCollection", "features": [line]}
        store.write({"2020-11-10-a": collection}, {})
    assert store.count(Filter(layers=("events",), boxes=((49, 49, 51, 51),))) == 0


def test_boxes_with_a_time_window_and_undated_features(tmp_path: Path) -> None:
    features = [
        _event("ev-2019", _point(46.1, 39.9), "2019-05-01"),
        _event("ev-2020", _point(46.2, 39.9), "2020-11-10"),
        _event("ev-undated", _point(46.3, 39.9), None),
        _event("ev-elsewhere", _point(10, 10), "2020-11-10"),
    ]
    store = _store(tmp_path, features)
    box = ((46.0, 39.8, 46.5, 40.0),)
    year = (date(2020, 1, 1).toordinal(), date(2020, 12, 31).toordinal())
    for flt, expected in [
        (Filter(layers=("events",), boxes=box, days=year, undated=False), ["ev-2020"]),
        (Filter(layers=("events",), boxes=box, days=year, undated=True), ["ev-2020", "ev-undated"]),
        (Filter(layers=("events",), boxes=box, days=(None, year[0]), undated=False), ["ev-2019"]),
        (Filter(layers=("events",), boxes=box), ["ev-2019", "ev-2020", "ev-undated"]),
        (Filter(layers=("places",), boxes=box), []),
        (Filter(boxes=box, days=year, undated=False), ["ev-2020"]),
    ]:
        assert sorted(_matches(store, flt)) == expected, flt
        assert store.count(flt) == len(expected), flt


@pytest.mark.parametrize("small", [True, False])
def test_pages_of_a_box_query_are_in_layer_order_whichever_way_they_are_read(
    tmp_path: Path, small: bool
) -> None:
    rng = random.Random(3)
    features = [
        _event(f"ev-{i:03d}", _point(rng.uniform(40, 50), rng.uniform(35, 45)), d)
        for i, d in enumerate(f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(300))
    ]
    store = _store(tmp_path, features)
    box = (44, 39, 45, 40) if small else (40, 35, 50, 45)
    flt = Filter(layers=("events",), boxes=(box,))
    inside = [f for f in features if _inside(f, box)]
    expected = [f["id"] for f in sorted(inside, key=lambda f: (f["properties"]["date"], f["id"]))]
    plan = q._plan(store.db(), flt, "layer", 10, 0)[0]
    assert plan == ("NOT INDEXED" if small else "INDEXED BY features_order")
    pages = [_matches(store, flt, 10, offset) for offset in range(0, len(expected) + 10, 10)]
    assert [fid for page in pages for fid in page] == expected


def test_overlays_and_an_event_type_narrow_a_box_query(tmp_path: Path) -> None:
    features = [_event(f"ev-{i}", _point(46 + i / 100, 39.9)) for i in range(6)]
    for i, feature in enumerate(features):
        feature["properties"]["event_type"] = "ceasefire" if i % 2 else "deployment"
    store = _store(tmp_path, features)
    box = ((45, 39, 47, 41),)
    odd = ["ev-1", "ev-3", "ev-5"]
    for flt in (
        Filter(overlays=("events-ceasefire",), boxes=box),
        Filter(layers=("events",), event_type="ceasefire", boxes=box),
        Filter(overlays=("events-ceasefire", "places"), boxes=box),
    ):
        assert sorted(_matches(store, flt)) == odd, flt
        assert store.count(flt) == 3, flt
    assert store.count(Filter(overlays=("events-deployment", "events-ceasefire"), boxes=box)) == 6
    assert store.count(Filter(overlays=("events-airlift",), boxes=box)) == 0


@pytest.mark.parametrize("small", [True, False])
def test_a_box_listed_newest_first_pages_alike_whichever_way_it_is_read(
    tmp_path: Path, small: bool
) -> None:
    rng = random.Random(5)
    features = [
        _event(f"ev-{i:03d}", _point(rng.uniform(40, 50), rng.uniform(35, 45)), d)
        for i, d in enumerate(
            f"20{10 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(300)
        )
    ]
    store = _store(tmp_path, features)
    box = (44, 39, 45, 40) if small else (40, 35, 50, 45)
    flt = Filter(layers=("events",), boxes=(box,))
    inside = [f for f in features if _inside(f, box)]
    expected = [f["id"] for f in sorted(inside, key=lambda f: (f["properties"]["date"], f["id"]))]
    expected.reverse()
    plan = q._plan(store.db(), flt, "date", 10, 0)[0]
    assert plan == ("NOT INDEXED" if small else "INDEXED BY features_date")
    pages = [
        [f["id"] for f in store.select(flt, 10, offset, order="date")]
        for offset in range(0, len(expected) + 10, 10)
    ]
    assert [fid for page in pages for fid in page] == expected


def test_a_list_without_a_box_walks_the_date_index_when_most_features_match(
    tmp_path: Path,
) -> None:
    features = [
        _event(f"ev-{i:03d}", _point(40 + i / 50, 40), f"20{10 + i % 11}-{1 + i % 12:02d}-01")
        for i in range(300)
    ]
    for i, feature in enumerate(features):
        feature["properties"]["event_type"] = "combat" if i % 30 else "ceasefire"
    store = _store(tmp_path, features)
    newest = sorted(features, key=lambda f: (f["properties"]["date"], f["id"]), reverse=True)
    year = (date(2015, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
    for flt, walks, kept in [
        (Filter(overlays=("events-combat", "events-ceasefire")), True, lambda f: True),
        (
            Filter(overlays=("events-ceasefire",)),
            False,
            lambda f: f["properties"]["event_type"] == "ceasefire",
        ),
        (
            Filter(overlays=("events-combat",), days=year, undated=False),
            True,
            lambda f: (
                f["properties"]["date"].startswith("2015")
                and f["properties"]["event_type"] == "combat"
            ),
        ),
    ]:
        plan = q._plan(store.db(), flt, "date", 10, 0)[0]
        assert plan == ("INDEXED BY features_date" if walks else ""), flt
        expected = [f["id"] for f in newest if kept(f)]
        pages = [
            [f["id"] for f in store.select(flt, 10, offset, order="date")]
            for offset in range(0, len(expected) + 10, 10)
        ]
        assert [fid for page in pages for fid in page] == expected, flt


def test_a_time_window_with_the_undated_lists_them_after_the_dated(tmp_path: Path) -> None:
    features = [
        _event(f"ev-{i:03d}", _point(40 + i / 50, 40), f"2015-{1 + i % 12:02d}-01")
        for i in range(120)
    ] + [_event(f"ev-u{i}", _point(41, 41), None) for i in range(7)]
    store = _store(tmp_path, features)
    year = (date(2015, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
    flt = Filter(overlays=("events-ceasefire",), days=year, undated=True)
    assert q._plan(store.db(), flt, "date", 10, 0)[0] == "INDEXED BY features_date"
    dated = sorted(features[:120], key=lambda f: (f["properties"]["date"], f["id"]), reverse=True)
    expected = [f["id"] for f in dated] + [f"ev-u{i}" for i in reversed(range(7))]
    pages = [
        [f["id"] for f in store.select(flt, 10, offset, order="date")]
        for offset in range(0, len(expected) + 10, 10)
    ]
    assert [fid for page in pages for fid in page] == expected
    assert store.count(flt) == len(expected)


@pytest.mark.parametrize("small", [True, False])
def test_a_time_window_of_events_pages_in_date_order_whichever_way_it_is_read(
    tmp_path: Path, small: bool
) -> None:
    # Dates of every precision, some events lasting months or years (those that begin before
    # the window and last into it come first), some undated (never in a window).
    rng = random.Random(11)
    features = []
    for i in range(3000):
        year = rng.choice([2018, 2019, 2020, 2020, 2020, 2021])
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        start = rng.choice([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"])
        feature = _event(f"ev-{i:04d}", _point(rng.uniform(40, 50), rng.uniform(35, 45)), start)
        if i % 7 == 0:
            feature["properties"]["date_end"] = f"{year + rng.choice([0, 1, 2])}-12"
        if i % 50 == 0:
            del feature["properties"]["date"]
        features.append(feature)
    store = _store(tmp_path, features)
    first, last = date(2020, 3, 15).toordinal(), date(2020, 9, 30).toordinal()
    box = (44, 39, 45, 40) if small else (40, 35, 50, 45)
    flt = Filter(layers=("events",), boxes=(box,), days=(first, last), undated=False)

    def in_window(feature: dict) -> bool:
        span = feature_span(feature["properties"])
        return span is not None and span[0] <= last and span[1] >= first

    inside = [f for f in features if _inside(f, box) and in_window(f)]
    expected = [f["id"] for f in sorted(inside, key=lambda f: (f["properties"]["date"], f["id"]))]
    assert any(feature_span(f["properties"])[0] < first for f in inside), "some began before"
    walked = q._window_walk(store.db(), flt, 10, 0)
    # Small: the walk reads 20 events a feature of the page, finds too few, and gives up.
    assert (walked is None) if small else (walked is not None)
    pages = [_matches(store, flt, 10, offset) for offset in range(0, len(expected) + 10, 10)]
    assert [fid for page in pages for fid in page] == expected
    assert store.count(flt) == len(expected)
    assert store.count_upto(flt, len(expected)) == len(expected)
    assert store.count_upto(flt, len(expected) - 1) is None
