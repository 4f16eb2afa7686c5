"""What the index keeps of one feature: its columns, bounds, tile key and search text."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from mapapp.core import dayspan
from mapapp.core.text import css_token, fold

__all__ = [
    "CELL_ZOOMS",
    "QK_ZOOM",
    "FeatureRow",
    "MAX_MEMBERS",
    "SHAPE_MEMBERS",
    "SHAPE_OTHER",
    "SHAPE_POINT",
    "feature_row",
    "overlay_of",
    "quadkey",
    "tile_range",
    "tile_bounds",
]

#: The zoom of the Web Mercator grid a point's tile key (``quadkey``) is computed at: cells
#: of about 600 m at the equator. A tile of zoom z <= QK_ZOOM is one contiguous key range.
QK_ZOOM = 16
#: The zooms whose grid cells hold a running count of the points in them (see ``index``): a map
#: tile of zoom z clusters on the cells of zoom z + 2 (4 x 4 cells a tile): these counts, or
#: those of zoom z + 3 four to one.
CELL_ZOOMS = (3, 5, 7, 9, 11)
_MERCATOR_LAT = 85.0511287798


def overlay_of(layer_id: str, props: dict) -> str:
    """Return the id of the overlay a feature is drawn in (events: one per event type)."""
    if layer_id != "events":
        return layer_id
    return f"events-{css_token(props.get('event_type') or 'other')}"


def _tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """Return the Web Mercator tile (x, y) at ``zoom`` holding a point (clamped to the grid)."""
    n = 1 << zoom
    lat = max(-_MERCATOR_LAT, min(_MERCATOR_LAT, lat))
    x = (lon + 180.0) / 360.0
    rad = math.radians(lat)
    y = (1.0 - math.log(math.tan(rad) + 1.0 / math.cos(rad)) / math.pi) / 2.0
    return min(n - 1, max(0, int(x * n))), min(n - 1, max(0, int(y * n)))


def _interleave(x: int, y: int, zoom: int) -> int:
    key = 0
    for bit in range(zoom - 1, -1, -1):
        key = (key << 2) | (((y >> bit) & 1) << 1) | ((x >> bit) & 1)
    return key


def quadkey(lon: float, lat: float) -> int:
    """Return a point's tile key: its QK_ZOOM tile's x and y bits interleaved (Morton order)."""
    return _interleave(*_tile_xy(lon, lat, QK_ZOOM), QK_ZOOM)


def tile_range(z: int, x: int, y: int) -> tuple[int, int]:
    """Return the first and last tile key inside tile z/x/y (z <= QK_ZOOM)."""
    shift = 2 * (QK_ZOOM - z)
    first = _interleave(x, y, z) << shift
    return first, first + (1 << shift) - 1


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Return tile z/x/y as (west, south, east, north) in degrees."""
    n = 1 << z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def _positions(coords) -> Iterator[tuple[float, float]]:
    if coords and isinstance(coords[0], (int, float)):
        yield float(coords[0]), float(coords[1])
        return
    for part in coords or ():
        yield from _positions(part)


def _geometry_positions(geometry: dict | None) -> Iterator[tuple[float, float]]:
    if not isinstance(geometry, dict):
        return
    if geometry.get("type") == "GeometryCollection":
        for member in geometry.get("geometries") or ():
            yield from _geometry_positions(member)
        return
    yield from _positions(geometry.get("coordinates"))


@dataclass(frozen=True)
class FeatureRow:
    """The indexed columns of one feature (``body`` is the feature as JSON)."""

    id: str
    layer: str
    overlay: str
    kind: str | None
    event_type: str | None
    geo_precision: str | None
    day_start: int | None
    day_end: int | None
    date: str | None
    lon: float | None
    lat: float | None
    qk: int | None
    bbox: tuple[float, float, float, float] | None
    name: str | None
    name_vi: str | None
    sort: str
    names: str
    words: str
    body: str
    cites: tuple[tuple[str, int], ...]
    #: How a box query tests the feature: ``SHAPE_POINT`` (its bounds are one point),
    #: ``SHAPE_MEMBERS`` (a multi-point: each of ``members`` is tested) or ``SHAPE_OTHER``
    #: (lines, areas: the bounds find candidates, the shape decides).
    shape: int = 0
    members: tuple[tuple[float, float], ...] = ()
    #: ``point``, ``line`` or ``area`` (of a Point or MultiPoint, ...), None without geometry.
    family: str | None = None


_POINTS = ("Point", "MultiPoint")
#: The family of each geometry type (a GeometryCollection has none).
FAMILIES = {
    "Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
    "Polygon": "area", "MultiPolygon": "area",
}  # fmt: skip

SHAPE_POINT, SHAPE_MEMBERS, SHAPE_OTHER = range(3)
#: A multi-point with more points than this is tested as a shape, not point by point.
MAX_MEMBERS = 4096


def _shape(geometry: object, positions: list[tuple[float, float]]) -> int:
    if positions and all(p == positions[0] for p in positions):
        return SHAPE_POINT
    multipoint = isinstance(geometry, dict) and geometry.get("type") == "MultiPoint"
    if multipoint and len(positions) <= MAX_MEMBERS:
        return SHAPE_MEMBERS
    return SHAPE_OTHER


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def search_names(props: dict) -> str:
    """Return the folded text a search matches a feature's names, other spellings and actors
    against; a name written with hyphens ("Mát-xcơ-va") is there joined up too ("matxcova")."""
    parts = [_text(props.get("name")), _text(props.get("name_vi"))]
    for key in ("alt_names", "actors"):
        values = props.get(key)
        if isinstance(values, list):
            parts.extend(_text(v) for v in values)
    parts += [p.replace("-", "") for p in parts if "-" in p]
    return fold(" ".join(p for p in parts if p))


def feature_row(feature: dict, with_sources: bool = True) -> FeatureRow:
    """Return the index columns of a feature as the store holds it.

    The representative point of a Point is the point itself, of a MultiPoint its first point;
    lines and areas are found by their bounds only (they are never grouped into clusters).
    ``with_sources`` False leaves the quotes out of the search text (places: their sources
    are indexed per mention).
    """
    props = feature.get("properties") or {}
    layer = str(props.get("layer") or "")
    geometry = feature.get("geometry")
    positions = list(_geometry_positions(geometry))
    bbox = None
    if positions:
        lons, lats = [p[0] for p in positions], [p[1] for p in positions]
        bbox = (min(lons), min(lats), max(lons), max(lats))
    lon = lat = qk = None
    if isinstance(geometry, dict) and geometry.get("type") in _POINTS and positions:
        # An event at several places is counted and clustered at its first one, and drawn
        # whole wherever that one is shown.
        lon, lat = positions[0]
        qk = quadkey(lon, lat)
    span = dayspan.feature_span(props)
    sources = [s for s in props.get("sources") or [] if isinstance(s, dict)]
    cites = tuple(
        (str(s.get("article_id")), int(s["sentence"]))
        for s in sources
        if isinstance(s.get("sentence"), int)
    )
    words = fold(" ".join(_text(s.get("quote")) for s in sources)) if with_sources else ""
    date = props.get("date") if isinstance(props.get("date"), str) else None
    fid = str(feature.get("id"))
    shape = _shape(geometry, positions)
    return FeatureRow(
        id=fid,
        layer=layer,
        overlay=overlay_of(layer, props),
        kind=props.get("kind") if isinstance(props.get("kind"), str) else None,
        event_type=str(props.get("event_type") or "other") if layer == "events" else None,
        geo_precision=props.get("geo_precision") or "exact",
        day_start=span[0] if span else None,
        day_end=span[1] if span else None,
        date=date,
        lon=lon,
        lat=lat,
        qk=qk,
        bbox=bbox,
        name=_text(props.get("name")) or None,
        name_vi=_text(props.get("name_vi")) or None,
        # Events in date order, everything else by id; an undated event sorts first.
        sort=f"{date or '0000'}\x00{fid}" if layer == "events" else fid,
        names=search_names(props),
        words=words,
        body=orjson.dumps(feature).decode("utf-8"),
        cites=cites,
        shape=shape,
        members=tuple(dict.fromkeys(positions)) if shape == SHAPE_MEMBERS else (),
        family=FAMILIES.get(str(geometry.get("type"))) if isinstance(geometry, dict) else None,
    )
