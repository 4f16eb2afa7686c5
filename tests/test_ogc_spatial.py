"""Queries on the index: exact answers, checked against a full scan of the same features."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
import shapely
from clients.samples import LAYERS, write_data_dir
from shapely.geometry import shape
from wholelayers import write_layers

from mapapp.core.dayspan import feature_span
from mapapp.ogc.collections import COLLECTIONS
from mapapp.ogc.temporal import overlaps
from mapapp.web import create_app

ALL = [f for features in LAYERS.values() for f in features]


def _day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def ogc_ids(client, layer: str, box=None, query=None, filters=()) -> list[str]:
    """Return the ids the OGC API matches, in its order, reading every page."""
    params = {"limit": "10000", **dict(filters)}
    if box is not None:
        params["bbox"] = ",".join(map(str, box))
    if query is not None:
        start, end = query
        params["datetime"] = f"{_day(start) if start else '..'}/{_day(end) if end else '..'}"
    response = client.get(f"/ogc/collections/{layer}/items", query_string=params)
    assert response.status_code == 200, response.data
    return [f["id"] for f in json.loads(response.data)["features"]]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    data = write_data_dir(tmp_path_factory.mktemp("samples") / "data")
    return create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        # The line crosses the box with no vertex inside it.
        ((45.9, 38.9, 46.1, 39.1), {"rt-line", "rg-triangle", "rg-multi"}),
        # The triangle's envelope covers this box, the triangle does not.
        ((48.0, 46.0, 49.0, 47.0), set()),
        # Boundaries count: a point on the edge matches.
        ((46.75, 39.81, 47.0, 40.0), {"ev-day", "pl-stepanakert", "pp-zone", "rg-triangle"}),
        ((37.0, 55.0, 38.0, 56.0), {"ev-range", "ev-multi", "pl-moscow"}),
    ],
)
def test_bbox_is_exact_geometry_intersection(samples, box, expected) -> None:
    # Every collection: a layer of several geometry families is served as several.
    found = {fid for c in COLLECTIONS for fid in ogc_ids(samples, c.id, box=box)}
    assert found == expected


def test_a_box_across_the_antimeridian_is_a_union(samples) -> None:
    found = ogc_ids(samples, "events", box=(179.0, 9.0, -179.0, 11.0))
    assert sorted(found) == ["ev-east", "ev-west"]


def brute_force(features, box, query, filters) -> list[str]:
    result = []
    for feature in features:
        props = feature["properties"]
        if box is not None and not shape(feature["geometry"]).intersects(shapely.box(*box)):
            continue
        if query is not None and not overlaps(feature_span(props), query):
            continue
        values = {
            "kind": [props.get("kind")],
            "event_type": [props.get("event_type")],
            "article_id": [s["article_id"] for s in props["sources"]],
        }
        if any(value not in values[name] for name, value in filters):
            continue
        result.append(feature["id"])
    return result


def random_features(rng: random.Random, n: int) -> list[dict]:
    features = []
    for i in range(n):
        article = rng.choice(["p", "q", "r"])
        props = {
            "layer": "events",
            "name": f"f{i}",
            "kind": rng.choice(["a", "b", "c"]),
            "event_type": rng.choice(["x", "y"]),
            "sources": [{"article_id": article, "sentence": 1, "quote": "q", "url": "/"}],
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


@pytest.mark.parametrize("seed", range(3))
def test_index_agrees_with_a_full_scan(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    features = random_features(rng, 1500)
    data = write_layers(tmp_path / "data", {"events": features})
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    for _ in range(30):
        x, y = rng.uniform(39, 50), rng.uniform(37, 44)
        box = rng.choice([None, (x, y, x + rng.uniform(0, 4), y + rng.uniform(0, 3))])
        a, b = sorted(rng.sample(range(1988 * 400, 2025 * 400), 2))
        start = rng.choice([None, a // 400 * 365])
        end = rng.choice([None, b // 400 * 365 + 400])
        query = rng.choice([None, (start, end)])
        if query == (None, None):
            query = None
        filters = rng.sample(
            [("kind", "a"), ("event_type", "y"), ("article_id", "q")], rng.randint(0, 2)
        )
        found = ogc_ids(client, "events", box, query, filters)
        assert sorted(found) == sorted(brute_force(features, box, query, filters))


def test_unknown_values_match_nothing(samples) -> None:
    assert ogc_ids(samples, "events", filters=[("kind", "no-such-kind")]) == []
    assert len(ogc_ids(samples, "events")) == len(LAYERS["events"])


def test_extent_and_time_span(samples) -> None:
    doc = json.loads(samples.get("/ogc/collections/routes").data)
    assert doc["extent"]["spatial"]["bbox"] == [[44.0, 39.0, 48.0, 39.8]]
    assert doc["extent"]["temporal"]["interval"][0][0].startswith("2020-11-10")
    assert doc["extent"]["temporal"]["interval"][0][1].startswith("2020-12-31")
