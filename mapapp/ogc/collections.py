"""The service's feature collections: one geometry type each, as GIS clients expect.

A map layer may hold points, lines and areas together (the routes: roads and call lines, and
the Lachin corridor's area). A client such as QGIS gives a layer one geometry type, read from
its first features, and then cannot draw or save the others. So each collection here holds
one family of geometry of one map layer, served as one GeoJSON type: a single Point where
the layer only ever has points (places), else the Multi type of the family (a LineString is
served as a MultiLineString of one line). Features without geometry (an event the text does
not place) belong to their layer's first collection. The map itself is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from mapapp.core.errors import NotFound
from mapapp.core.model import LAYERS, Layer

__all__ = ["COLLECTIONS", "Collection", "collection", "served", "served_geometry"]

_LAYERS = {layer.id: layer for layer in LAYERS}


@dataclass(frozen=True)
class Collection:
    """One OGC collection: the map layer it serves and the geometry family it holds."""

    id: str
    layer: Layer
    title: str
    description: str
    #: ``point``, ``line`` or ``area``.
    family: str
    #: The GeoJSON type every feature is served as.
    geometry_type: str
    #: True if it also holds the layer's features without geometry.
    unplaced: bool
    #: True if the layer has other collections (so the family is tested in queries).
    shared: bool

    @property
    def layer_id(self) -> str:
        return self.layer.id

    @property
    def families(self) -> tuple[str | None, ...] | None:
        """The store's ``Filter.families`` for this collection (None: the whole layer)."""
        if not self.shared:
            return None
        return (self.family, None) if self.unplaced else (self.family,)


def _make(
    cid: str, layer_id: str, family: str, gtype: str, title: str | None = None,
    note: str = "", shared: bool = False, unplaced: bool = True,
) -> Collection:  # fmt: skip
    layer = _LAYERS[layer_id]
    description = f"{layer.description} {note}".strip()
    return Collection(
        cid, layer, title or layer.title, description, family, gtype, unplaced, shared
    )


COLLECTIONS: tuple[Collection, ...] = (
    _make("places", "places", "point", "Point"),
    _make(
        "peacekeeping-posts", "peacekeeping-posts", "point", "MultiPoint",
        "Peacekeeping posts: positions", "The posts given as points.", shared=True,
    ),
    _make(
        "peacekeeping-post-zones", "peacekeeping-posts", "area", "MultiPolygon",
        "Peacekeeping posts: zones", "The posts given as zones.", shared=True, unplaced=False,
    ),
    _make(
        "routes", "routes", "line", "MultiLineString", "Routes: lines",
        "The roads, corridors' roads and links drawn as lines.", shared=True,
    ),
    _make(
        "route-areas", "routes", "area", "MultiPolygon", "Routes: areas",
        "The corridors drawn as areas.", shared=True, unplaced=False,
    ),
    _make("events", "events", "point", "MultiPoint"),
    _make("regions", "regions", "area", "MultiPolygon"),
)  # fmt: skip
_BY_ID = {c.id: c for c in COLLECTIONS}


def collection(collection_id: str) -> Collection:
    """Return a collection by id (NotFound for an unknown id)."""
    found = _BY_ID.get(collection_id)
    if found is None:
        raise NotFound(f"unknown collection {collection_id!r}")
    return found


def served_geometry(geometry: dict | None, gtype: str) -> dict | None:
    """Return ``geometry`` as ``gtype`` (a single geometry wrapped in its Multi type)."""
    if not isinstance(geometry, dict) or geometry.get("type") == gtype:
        return geometry
    if gtype == f"Multi{geometry.get('type')}":
        return {"type": gtype, "coordinates": [geometry.get("coordinates")]}
    return geometry


def _flat(value: object) -> object:
    """A property value as a GeoPackage column can hold it: numbers, strings, booleans and
    non-empty lists of strings as they are (GIS clients read a string list); objects and
    other lists as JSON text."""
    if isinstance(value, dict):
        return orjson.dumps(value).decode("utf-8")
    if isinstance(value, list) and not (value and all(isinstance(v, str) for v in value)):
        return orjson.dumps(value).decode("utf-8")
    return value


def served(feature: dict, found_in: Collection) -> dict:
    """Return a feature as the collection serves it in GeoJSON: its geometry as the
    collection's type, nested properties (``sources``, ``quantities``, ...) as JSON text."""
    props = feature.get("properties") or {}
    return {
        **feature,
        "geometry": served_geometry(feature.get("geometry"), found_in.geometry_type),
        "properties": {k: _flat(v) for k, v in props.items()},
    }
