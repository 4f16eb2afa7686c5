"""The query indexes: exact answers (checked against a full scan) and per-snapshot caching."""

from __future__ import annotations

import json
import os
import random

import numpy as np
import pytest
import shapely
from clients.samples import LAYERS, write_data_dir
from shapely.geometry import shape

from mapapp.core.dayspan import feature_span
from mapapp.ogc.api import FILTER_VALUES, build_index
from mapapp.ogc.temporal import overlaps
from mapapp.query.spatial import IndexCache
from mapapp.store.layers import Store

ALL = [f for features in LAYERS.values() for f in features]


def ids(index, positions) -> list[str]:
    return [index.features[i]["id"] for i in positions]


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        # The line crosses the box with no vertex inside it.
        ((45.9, 38.9, 46.1, 39.1), ["rt-line", "rg-triangle", "rg-multi"]),
        # The triangle's envelope covers this box, the triangle does not.
        ((48.0, 46.0, 49.0, 47.0), []),
        # Boundaries count: a point on the edge matches.
        ((46.75, 39.81, 47.0, 40.0), ["ev-day", "pl-stepanakert", "pp-zone", "rg-triangle"]),
        ((37.0, 55.0, 38.0, 56.0), ["ev-range", "ev-multi", "pl-moscow"]),
    ],
)
def test_bbox_is_exact_geometry_intersection(box, expected) -> None:
    index = build_index(ALL)
    assert ids(index, index.query(boxes=[box])) == expected


def test_several_boxes_are_a_union_in_file_order() -> None:
    index = build_index(LAYERS["events"])
    found = index.query(boxes=[(179.0, 9.0, 180.0, 11.0), (-180.0, 9.0, -179.0, 11.0)])
    assert ids(index, found) == ["ev-east", "ev-west"]


def brute_force(features, box, query, filters) -> list[str]:
    result = []
    for feature in features:
        props = feature["properties"]
        if box is not None and not shape(feature["geometry"]).intersects(shapely.box(*box)):
            continue
        if query is not None and not overlaps(feature_span(props), query):
            continue
        if any(value not in FILTER_VALUES[name](props) for name, value in filters):
            continue
        result.append(feature["id"])
    return result


def random_features(rng: random.Random, n: int) -> list[dict]:
    features = []
    for i in range(n):
        props = {
            "kind": rng.choice(["a", "b", "c"]),
            "event_type": rng.choice(["x", "y"]),
            "sources": [{"article_id": rng.choice(["p", "q", "r"])}],
        }
        if rng.random() < 0.9:
            year = rng.randint(1988, 2024)
            props["date"] = rng.choice(
                [
                    f"{year}",
                    f"{year}-{rng.randint(1, 12):02d}",
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                ]
            )
            if rng.random() < 0.2:
                props["date_end"] = f"{year + rng.randint(0, 2)}"
        point = [round(rng.uniform(40, 50), 4), round(rng.uniform(38, 44), 4)]
        features.append(
            {
                "type": "Feature",
                "id": f"f{i}",
                "geometry": {"type": "Point", "coordinates": point},
                "properties": props,
            }
        )
    return features


@pytest.mark.parametrize("seed", range(5))
def test_index_agrees_with_a_full_scan(seed: int) -> None:
    rng = random.Random(seed)
    features = random_features(rng, 2000)
    index = build_index(features)
    for _ in range(40):
        x, y = rng.uniform(39, 50), rng.uniform(37, 44)
        box = rng.choice([None, (x, y, x + rng.uniform(0, 4), y + rng.uniform(0, 3))])
        a, b = sorted(rng.sample(range(1988 * 400, 2025 * 400), 2))
        start = rng.choice([None, a // 400 * 365])
        end = rng.choice([None, b // 400 * 365 + 400])
        query = rng.choice([None, (start, end)])
        filters = rng.sample(
            [("kind", "a"), ("event_type", "y"), ("article_id", "q")], rng.randint(0, 2)
        )
        found = index.query(boxes=None if box is None else [box], span=query, filters=filters)
        assert list(found) == sorted(found)
        assert ids(index, found) == brute_force(features, box, query, filters)


def test_no_criteria_returns_everything_and_unknown_values_nothing() -> None:
    index = build_index(LAYERS["events"])
    assert list(index.query()) == list(range(len(LAYERS["events"])))
    assert list(index.query(filters=[("kind", "no-such-kind")])) == []


def test_extent_and_time_span() -> None:
    index = build_index(LAYERS["routes"])
    assert index.bounds == (44.0, 39.0, 48.0, 39.8)
    assert index.span == (
        np.datetime64("2020-11-10").astype(object).toordinal(),
        np.datetime64("2020-12-31").astype(object).toordinal(),
    )
    empty = build_index([])
    assert (empty.bounds, empty.span, list(empty.query(boxes=[(0, 0, 1, 1)]))) == (None, None, [])


def test_cache_builds_once_per_snapshot(tmp_path) -> None:
    store = Store(write_data_dir(tmp_path / "data"))
    built = []
    cache = IndexCache(lambda features: built.append(len(features)) or build_index(features))
    snap = store.snapshot()
    first = cache.get(snap, "events", snap.layers["events"]["features"])
    assert cache.get(store.snapshot(), "events", snap.layers["events"]["features"]) is first
    assert built == [len(LAYERS["events"])]

    path = tmp_path / "data" / "events.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"] = data["features"][:3]
    path.write_text(json.dumps(data), "utf-8")
    os.utime(path, ns=(1, 1))
    snap = store.snapshot()
    rebuilt = cache.get(snap, "events", snap.layers["events"]["features"])
    assert rebuilt is not first and len(rebuilt) == 3
    assert built == [len(LAYERS["events"]), 3]
