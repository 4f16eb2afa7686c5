"""Map tiles from the index: the running cell counts agree with a scan, through every write."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from wholelayers import write_layers

from mapapp.store import Filter, Store, queries


def _event(i: int, lon: float, lat: float, event_type: str, article: str) -> dict:
    return {
        "type": "Feature",
        "id": f"ev-{i}",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "layer": "events",
            "name": f"e{i}",
            "event_type": event_type,
            "date": f"20{10 + i % 10}-0{1 + i % 9}-1{i % 9}",
            "sources": [{"article_id": article, "sentence": 1, "quote": "q", "url": "/"}],
        },
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    rng = random.Random(7)
    events = [
        _event(
            i,
            round(rng.uniform(40, 50), 5),
            round(rng.uniform(35, 45), 5),
            rng.choice(["airlift", "demining", "meeting"]),
            rng.choice(["a-1", "a-2", "a-3"]),
        )
        for i in range(3000)
    ]
    return Store(write_layers(tmp_path / "data", {"events": events}))


def _scan(store: Store, flt: Filter, z: int, x: int, y: int) -> queries.Tile:
    # A filter the cell counts cannot answer (any bounds) makes the tile scan the points.
    wide = Filter(**{**flt.__dict__, "boxes": ((-180.0, -90.0, 180.0, 90.0),)})
    return store.tile(wide, z, x, y)


def _clusters(tile: queries.Tile) -> list[tuple[int, float, float]]:
    return sorted((c["count"], round(c["lon"], 4), round(c["lat"], 4)) for c in tile.clusters)


@pytest.mark.parametrize("z", [0, 1, 2, 3, 4])
@pytest.mark.parametrize(
    "flt", [Filter(), Filter(overlays=("events-airlift",)), Filter(event_type="meeting")]
)
def test_counted_cells_agree_with_a_scan(store: Store, z: int, flt: Filter) -> None:
    n = 1 << z
    for x in range(n):
        for y in range(n):
            counted, scanned = store.tile(flt, z, x, y), _scan(store, flt, z, x, y)
            assert counted.total == scanned.total
            assert _clusters(counted) == _clusters(scanned)


def test_counts_follow_removals(store: Store) -> None:
    before = store.tile(Filter(), 2, 2, 1)
    assert before.total == 3000 and before.clusters
    with store.lock():
        store.write({"a-2": None}, {})
    after, scanned = store.tile(Filter(), 2, 2, 1), _scan(store, Filter(), 2, 2, 1)
    assert after.total == scanned.total == store.count(Filter(layers=("events",)))
    assert after.total < 3000
    assert _clusters(after) == _clusters(scanned)
    assert store.layer_counts()["events"] == after.total


def test_few_points_are_features_and_filters_apply(store: Store) -> None:
    flt = Filter(article="a-1", days=(0, 734500))
    # The quarters of a tile the filter leaves few points in: one of them is drawn point by point.
    quarters = [store.tile(flt, 7, 80 + dx, 48 + dy) for dx in (0, 1) for dy in (0, 1)]
    few = min((q for q in quarters if q.total), key=lambda q: q.total)
    assert 0 < few.total <= queries.TILE_POINTS and not few.clusters
    assert len(few.features) == few.total
    assert {f["properties"]["sources"][0]["article_id"] for f in few.features} <= {"a-1"}


@pytest.mark.parametrize(
    "flt", [Filter(), Filter(overlays=("events-airlift", "events-meeting")), Filter(layers=None)]
)
def test_counts_by_overlay_agree_with_counting_the_rows(store: Store, flt: Filter) -> None:
    world = Filter(**{**flt.__dict__, "boxes": ((-180.0, -90.0, 180.0, 90.0),)})
    assert store.count(flt) == store.count(world) > 0


def test_newest_first_lists_undated_last(store: Store) -> None:
    rows = store.select(Filter(layers=("events",)), 50, order="date")
    dates = [f["properties"]["date"] for f in rows]
    assert dates == sorted(dates, reverse=True)
