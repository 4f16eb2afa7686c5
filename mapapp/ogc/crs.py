"""Coordinate reference systems (OGC API – Features – Part 2): ``crs`` and ``bbox-crs``.

The data is stored in CRS84 (longitude, latitude on WGS 84). A response may be asked for in
EPSG:4326 (the same datum, latitude first, as that CRS's axis order says) or in Web Mercator
(EPSG:3857, metres; latitudes beyond ±85.06°, which it cannot show, are drawn at that edge);
a ``bbox`` may be given in any of the three.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from mapapp.core.errors import BadParameter

__all__ = [
    "CRS84",
    "EPSG4326",
    "EPSG3857",
    "SUPPORTED",
    "box_to_crs84",
    "movers_to_crs84",
    "check_crs",
    "header",
    "reproject",
]

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
#: Every CRS a response or a bbox may be in, the storage CRS first.
SUPPORTED = (CRS84, EPSG4326, EPSG3857)
#: The latitude Web Mercator reaches (its square's edge).
_MERCATOR_LAT = 85.0511287798066
#: Web Mercator's square reaches this far from the origin, in metres, both ways.
_MERCATOR_EDGE = 20037508.342789244


def check_crs(name: str, value: str | None) -> str:
    """Return the CRS a parameter names (CRS84 if not given); BadParameter if unsupported."""
    if value is None:
        return CRS84
    if value not in SUPPORTED:
        raise BadParameter(name, f"not a supported CRS; one of: {', '.join(SUPPORTED)}")
    return value


def header(crs: str) -> dict[str, str]:
    """The ``Content-Crs`` header of a response in ``crs`` (/req/crs/ogc-crs-header-value)."""
    return {"Content-Crs": f"<{crs}>"}


@cache
def _transformer(inverse: bool):
    """pyproj's CRS84 <-> Web Mercator transformation (longitude first either way)."""
    from pyproj import Transformer  # noqa: PLC0415 - loaded by the first request for it

    source, target = ("EPSG:3857", "OGC:CRS84") if inverse else ("OGC:CRS84", "EPSG:3857")
    return Transformer.from_crs(source, target, always_xy=True)


def _to_mercator(lon: float, lat: float) -> tuple[float, float]:
    x, y = _transformer(False).transform(lon, max(-_MERCATOR_LAT, min(_MERCATOR_LAT, lat)))
    return round(x, 2), round(y, 2)


def _from_mercator(x: float, y: float) -> tuple[float, float]:
    lon, lat = _transformer(True).transform(x, y)
    return lon, lat


@cache
def _mover(crs: str) -> Callable[[list], list] | None:
    """A function moving one CRS84 position into ``crs`` (None for CRS84 itself)."""
    if crs == CRS84:
        return None
    if crs == EPSG4326:
        return lambda p: [p[1], p[0], *p[2:]]
    return lambda p: [*_to_mercator(p[0], p[1]), *p[2:]]


def _move(coords: list, move: Callable[[list], list]) -> list:
    if coords and isinstance(coords[0], (int, float)):
        return move(coords)
    return [_move(part, move) for part in coords]


def _geometry(geometry: dict | None, move: Callable[[list], list]) -> dict | None:
    if not isinstance(geometry, dict):
        return geometry
    if geometry.get("type") == "GeometryCollection":
        members = [_geometry(g, move) for g in geometry.get("geometries") or ()]
        return {**geometry, "geometries": members}
    return {**geometry, "coordinates": _move(geometry.get("coordinates") or [], move)}


def reproject(feature: dict, crs: str) -> dict:
    """Return ``feature`` with its geometry in ``crs`` (the feature itself for CRS84)."""
    move = _mover(crs)
    if move is None:
        return feature
    out = {**feature, "geometry": _geometry(feature.get("geometry"), move)}
    out.pop("bbox", None)
    return out


def box_to_crs84(
    box: tuple[float, float, float, float], crs: str
) -> tuple[float, float, float, float]:
    """Return a bbox given in ``crs`` (its own axis order) as (west, south, east, north) in
    CRS84; BadParameter if it lies outside the CRS's range."""
    first_x, first_y, second_x, second_y = box
    if crs == CRS84:
        return box
    if crs == EPSG4326:
        return first_y, first_x, second_y, second_x
    if not all(-_MERCATOR_EDGE <= v <= _MERCATOR_EDGE for v in box):
        raise BadParameter("bbox", "EPSG:3857 coordinates lie within ±20,037,508.34 m")
    west, south = _from_mercator(first_x, first_y)
    east, north = _from_mercator(second_x, second_y)
    clamp = lambda v, m: max(-m, min(m, v))  # noqa: E731
    return clamp(west, 180.0), clamp(south, 90.0), clamp(east, 180.0), clamp(north, 90.0)


def movers_to_crs84(crs: str) -> tuple[Callable[[list], list], Callable[[list], list]] | None:
    """What moves a CQL2 filter's positions and BBOX numbers from ``crs`` into CRS84 (None
    for CRS84 itself); a BBOX in another CRS has 4 numbers."""
    if crs == CRS84:
        return None

    def position(p: list) -> list:
        if not all(isinstance(v, (int, float)) for v in p) or len(p) < 2:
            return p  # left for the filter's own checks
        west, south, _, _ = box_to_crs84((p[0], p[1], p[0], p[1]), crs)
        return [west, south, *p[2:]]

    def bbox(values: list) -> list:
        if len(values) != 4 or not all(isinstance(v, (int, float)) for v in values):
            raise BadParameter("filter", f"a BBOX in {crs} has 4 numbers")
        return list(box_to_crs84((values[0], values[1], values[2], values[3]), crs))

    return position, bbox
