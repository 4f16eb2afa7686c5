"""The store: loading, reloading on change, atomic writes under the lock."""

import json
import os
from pathlib import Path

import pytest

from mapapp.core.errors import InvalidData, NotFound
from mapapp.store import Filter
from mapapp.store.fileio import atomic_write
from mapapp.store.layers import Store


def _point(fid: str, layer: str = "places") -> dict:
    return {
        "type": "Feature",
        "id": fid,
        "geometry": {"type": "Point", "coordinates": [46.75194, 39.81528]},
        "properties": {"layer": layer, "name": fid},
    }


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _ids(store: Store, layer: str) -> list[str]:
    return [f["id"] for f in store.iter_layer(layer)]


def test_missing_layer_files_are_empty_layers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert _ids(store, "places") == []
    assert store.articles() == []
    assert store.layer_counts() == dict.fromkeys(store.layer_counts(), 0)


def test_unknown_ids_are_not_found(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(NotFound, match="unknown layer 'nope'"):
        store.iter_layer("nope")
    with pytest.raises(NotFound, match="unknown feature 'x'"):
        store.feature("x")
    with pytest.raises(NotFound, match="unknown article 'x'"):
        store.article("x")


def test_write_then_read_and_reload_without_restart(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.lock():
        store.write({"a-1": _collection(_point("place-a"))}, {})
    assert store.feature("place-a")["properties"]["name"] == "place-a"
    version = store.version()
    # Another process writes: the next read sees it, and the data version changes.
    other = Store(tmp_path)
    with other.lock():
        other.write({"b-1": _collection(_point("place-a"), _point("place-b"))}, {})
    assert _ids(store, "places") == ["place-a", "place-b"]
    assert store.feature_layer("place-b") == "places"
    assert store.version() != version


def test_a_place_named_by_several_articles_adds_up_their_sources(tmp_path: Path) -> None:
    def named(article: str, sentence: int) -> dict:
        feature = _point("place-x")
        source = {"article_id": article, "sentence": sentence, "quote": "q", "url": "/"}
        feature["properties"].update(sources=[source], name_vi=f"X {article}")
        return feature

    store = Store(tmp_path)
    with store.lock():
        store.write({"a-1": _collection(named("a-1", 2)), "b-1": _collection(named("b-1", 5))}, {})
    place = store.feature("place-x")["properties"]
    assert [(s["article_id"], s["sentence"]) for s in place["sources"]] == [("a-1", 2), ("b-1", 5)]
    assert store.count(Filter(article="b-1")) == 1
    # Removing one article's partition takes only its mention away.
    with store.lock():
        store.write({"b-1": None}, {})
    place = store.feature("place-x")["properties"]
    assert [s["article_id"] for s in place["sources"]] == ["a-1"]
    assert store.count(Filter(article="b-1")) == 0
    with store.lock():
        store.write({"a-1": None}, {})
    with pytest.raises(NotFound):
        store.feature("place-x")


def test_broken_layer_file_is_a_data_error(tmp_path: Path) -> None:
    (tmp_path / "routes.geojson").write_text("{not json", "utf-8")
    with pytest.raises(InvalidData, match=r"^routes.geojson: not valid GeoJSON"):
        Store(tmp_path).layer_counts()


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "places.geojson"
    target.write_text(json.dumps({"type": "FeatureCollection", "features": []}), "utf-8")
    before = target.read_bytes()

    def crash(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        atomic_write(target, b"half")
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["places.geojson"]


def test_articles_come_from_the_articles_folder(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a-1.md").write_text(
        "---\ntitle: T\npublished: 2020-11-25\n---\nCâu một.\n", "utf-8"
    )
    store = Store(tmp_path)
    assert store.article("a-1").title == "T"


def test_a_count_is_made_once_per_data_version(tmp_path: Path, monkeypatch) -> None:
    from mapapp.store import queries

    store = Store(tmp_path)
    with store.lock():
        store.write({"a-1": _collection(_point("event-a", "events"))}, {})
    made = []
    real = queries.count_upto

    def counting(db, flt, cap):
        made.append(flt)
        return real(db, flt, cap)

    monkeypatch.setattr(queries, "count_upto", counting)
    flt = Filter(layers=("events",), boxes=((46.0, 39.0, 47.0, 40.0),))
    assert [store.count_upto(flt, 1000) for _ in range(3)] == [1, 1, 1]
    assert len(made) == 1  # a client paging through one query: counted once
    with store.lock():
        store.write({"b-1": _collection(_point("event-b", "events"))}, {})
    assert store.count_upto(flt, 1000) == 2  # the data changed: counted again
    assert len(made) == 2
