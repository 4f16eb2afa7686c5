"""How a feature is served by its OGC collection: one geometry type, flat properties."""

from __future__ import annotations

import json

from mapapp.ogc.collections import COLLECTIONS, collection, served


def test_a_single_geometry_is_served_as_the_collections_multi_type() -> None:
    line = {"type": "LineString", "coordinates": [[44.0, 39.0], [45.0, 40.0]]}
    feature = {"type": "Feature", "id": "r", "geometry": line, "properties": {"layer": "routes"}}
    out = served(feature, collection("routes"))
    assert out["geometry"] == {"type": "MultiLineString", "coordinates": [line["coordinates"]]}
    assert feature["geometry"] is line  # the stored feature is left as it was
    point = {"type": "Point", "coordinates": [46.75, 39.82]}
    place = {"type": "Feature", "id": "p", "geometry": point, "properties": {}}
    assert served(place, collection("places"))["geometry"] == point
    nowhere = {"type": "Feature", "id": "e", "geometry": None, "properties": {}}
    assert served(nowhere, collection("events"))["geometry"] is None


def test_nested_values_become_json_text_and_string_lists_stay() -> None:
    props = {
        "name": "x",
        "post_count": 3,
        "sources": [{"article_id": "a", "sentence": 1}],
        "quantities": {"people": 1960},
        "actors": ["Sergei Shoigu"],
        "empty": [],
        "numbers": [1, 2],
    }
    feature = {"type": "Feature", "id": "e", "geometry": None, "properties": props}
    out = served(feature, collection("events"))["properties"]
    assert out["name"] == "x" and out["post_count"] == 3
    assert out["actors"] == ["Sergei Shoigu"]
    for key in ("sources", "quantities", "empty", "numbers"):
        assert isinstance(out[key], str) and json.loads(out[key]) == props[key]


def test_every_layer_has_a_first_collection_holding_its_unplaced_features() -> None:
    firsts = [c for c in COLLECTIONS if c.unplaced]
    assert sorted(c.layer_id for c in firsts) == sorted({c.layer_id for c in COLLECTIONS})
    for c in COLLECTIONS:
        assert c.geometry_type.removeprefix("Multi").lower() in ("point", "linestring", "polygon")
