"""The store: loading, reloading on change, atomic writes under the lock."""

import json
import os
from pathlib import Path

import pytest

from mapapp.core.errors import InvalidData, NotFound
from mapapp.store.fileio import atomic_write
from mapapp.store.layers import Store


def _point(fid: str, layer: str = "places") -> dict:
    return {
        "type": "Feature",
        "id": fid,
        "geometry": {"type": "Point", "coordinates": [46.75194, 39.81528]},
        "properties": {"layer": layer, "name": fid},
    }


def test_missing_layer_files_are_empty_layers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.layer("places") == {"type": "FeatureCollection", "features": []}
    assert store.articles() == []


def test_unknown_ids_are_not_found(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(NotFound, match="unknown layer 'nope'"):
        store.layer("nope")
    with pytest.raises(NotFound, match="unknown feature 'x'"):
        store.feature("x")
    with pytest.raises(NotFound, match="unknown article 'x'"):
        store.article("x")


def test_write_then_read_and_reload_without_restart(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.lock():
        store.write_layers({"places": [_point("a")]})
    assert store.feature("a")["properties"]["name"] == "a"
    # Another process writes: the next read sees it.
    other = Store(tmp_path)
    with other.lock():
        other.write_layers({"places": [_point("a"), _point("b")]})
    assert [f["id"] for f in store.layer("places")["features"]] == ["a", "b"]
    assert store.feature_layer("b") == "places"


def test_broken_layer_file_is_a_data_error(tmp_path: Path) -> None:
    (tmp_path / "routes.geojson").write_text("{not json", "utf-8")
    with pytest.raises(InvalidData, match=r"^routes.geojson: not valid GeoJSON"):
        Store(tmp_path).snapshot()


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
