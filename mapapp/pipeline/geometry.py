"""Geometry built from the sourced reference files: the 2020 road, the corridor, the outlines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mapapp.core.model import round_coords
from mapapp.store.datadir import DataDir

if TYPE_CHECKING:
    from shapely.geometry import LineString, Polygon
    from shapely.geometry.base import BaseGeometry

# shapely (and numpy with it) is imported where a shape is made: a fifth of a second that a
# command making only points (one ingest: places and events) need not pay.

__all__ = ["ReferenceGeometry", "to_geojson_geometry", "point_geometry", "geodesic_length_km"]

# UTM zone 38N: metric, and accurate to well under 0.1 % over the Lachin corridor.
_METRIC_CRS = "EPSG:32638"
# Where the corridor runs: from the border crossing (waypoint 2) to Zarysly (waypoint 6).
_CORRIDOR_WAYPOINTS = slice(2, 7)
_Geom = TypeVar("_Geom", bound="BaseGeometry")


@cache
def _transformers():
    """The transformations to and from UTM 38N, made on first use: pyproj takes a tenth of a
    second to load, which a command that measures nothing (one ingest) need not pay."""
    from pyproj import Transformer

    to_metric = Transformer.from_crs("EPSG:4326", _METRIC_CRS, always_xy=True)
    return to_metric, Transformer.from_crs(_METRIC_CRS, "EPSG:4326", always_xy=True)


def _metric(geom: _Geom) -> _Geom:
    import shapely

    to_metric = _transformers()[0].transform
    return shapely.transform(geom, to_metric, interleaved=False)


def _wgs84(geom: _Geom) -> _Geom:
    import shapely

    to_wgs84 = _transformers()[1].transform
    return shapely.transform(geom, to_wgs84, interleaved=False)


def geodesic_length_km(line: LineString) -> float:
    """Return the length of a lon/lat line in kilometres, measured in UTM 38N."""
    return _metric(line).length / 1000


def point_geometry(points: Sequence[tuple[float, float]]) -> dict:
    """Return the RFC 7946 Point (one position) or MultiPoint of ``points`` (lon, lat), at 6
    decimals, as ``to_geojson_geometry`` writes them."""
    positions = [[float(lon), float(lat)] for lon, lat in points]
    if len(positions) == 1:
        return {"type": "Point", "coordinates": round_coords(positions[0])}
    return {"type": "MultiPoint", "coordinates": round_coords(positions)}


def to_geojson_geometry(geom) -> dict:
    """Return an RFC 7946 geometry: 6 decimals, polygon exteriors counter-clockwise."""
    from shapely.geometry import MultiPolygon, Polygon, mapping
    from shapely.geometry.polygon import orient

    if isinstance(geom, Polygon):
        geom = orient(geom, sign=1.0)
    elif isinstance(geom, MultiPolygon):
        geom = MultiPolygon([orient(p, sign=1.0) for p in geom.geoms])
    data = mapping(geom)
    return {"type": data["type"], "coordinates": round_coords(_as_lists(data["coordinates"]))}


def _as_lists(coords):
    if isinstance(coords, (int, float)):
        return coords
    return [_as_lists(c) for c in coords]


class ReferenceGeometry:
    """Geometry derived from the files in a data directory's ``reference/``."""

    def __init__(self, datadir: DataDir):
        self.datadir = datadir
        #: (file, the ISO3 codes taken from it, their source), in order.
        self.outlines = (
            (datadir.outlines_10m, ("ARM", "AZE"), "Natural Earth 10m v5.1.1 (public domain)"),
            (datadir.outlines_110m, ("RUS", "TUR"), "Natural Earth 110m (public domain)"),
        )

    @staticmethod
    def _read(path: Path) -> dict:
        return json.loads(path.read_text("utf-8"))

    @cached_property
    def lachin_road(self) -> LineString:
        """The Goris – Stepanakert road as it ran in November 2020 (approximate)."""
        from shapely.geometry import LineString

        path = self.datadir.lachin_route
        for feature in self._read(path)["features"]:
            if feature["geometry"]["type"] == "LineString":
                return LineString(feature["geometry"]["coordinates"])  # as shape() builds it
        raise ValueError(f"{path.name} has no LineString")

    @cached_property
    def lachin_corridor(self) -> Polygon:
        """The corridor as the 5 km wide band the 9 November statement describes."""
        import shapely
        from shapely.geometry import LineString

        centre = LineString(self.lachin_road.coords[_CORRIDOR_WAYPOINTS])
        band = _metric(centre).buffer(2500, cap_style="flat", join_style="round")
        return shapely.simplify(_wgs84(band), 0.0002)

    @cached_property
    def demined_28km(self) -> LineString:
        """The last 28 km of the road before Stepanakert: the article's demined section."""
        from shapely.geometry import LineString
        from shapely.ops import substring

        metric = _metric(self.lachin_road)
        section = substring(metric, metric.length - 28_000, metric.length)
        assert isinstance(section, LineString)  # only a zero-length substring is a Point
        return _wgs84(section)

    def named(self, name: str):
        """Return a named derived geometry (``lachin_road``, ``lachin_corridor``, ...)."""
        if name not in ("lachin_road", "lachin_corridor", "demined_28km"):
            raise KeyError(f"unknown reference geometry {name!r}")
        return getattr(self, name)

    def country_outlines(self) -> list[tuple[str, str, BaseGeometry, str]]:
        """Return (ISO3, name, geometry, source) for each reference country outline."""
        from shapely.geometry import shape

        out = []
        for path, codes, source in self.outlines:
            for feature in self._read(path)["features"]:
                code = feature["properties"]["iso_a3"]
                if code in codes:
                    out.append(
                        (code, feature["properties"]["name"], shape(feature["geometry"]), source)
                    )
        return out
