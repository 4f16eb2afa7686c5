"""Write features as GeoJSON, CSV, KML or GeoPackage files, returned as bytes.

Flat formats keep every property: nested values (``sources``, ``quantities``, ``actors``, ...)
become JSON text columns. CSV has one row per feature; its provenance columns ``article_id``,
``sentence``, ``quote`` and ``url`` list every source of the feature, in order, joined with
`` | `` (the full list is also in the ``sources`` JSON column). Geometry is WKT in ``wkt``, plus
``lon``/``lat`` for points. KML and GeoPackage are written by GDAL (pyogrio) into a private
temporary directory that is removed before returning, whatever happens.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas
import shapely
from pandas.api.extensions import ExtensionArray
from shapely.geometry import shape

from mapapp.core.model import GEOJSON_MEDIA_TYPE
from mapapp.store.layers import dump_geojson

__all__ = ["Format", "FORMATS", "export", "flat_rows", "SOURCE_COLUMNS", "SOURCE_SEPARATOR"]


@dataclass(frozen=True)
class Format:
    """A download format: its name (the ``f`` value), media type and file extension."""

    name: str
    media_type: str
    extension: str
    title: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("geojson", GEOJSON_MEDIA_TYPE, "geojson", "GeoJSON"),
        Format("csv", "text/csv; charset=utf-8", "csv", "CSV (WKT geometry)"),
        Format("kml", "application/vnd.google-earth.kml+xml", "kml", "KML"),
        Format("gpkg", "application/geopackage+sqlite3", "gpkg", "GeoPackage"),
    )
}
SOURCE_COLUMNS = ("article_id", "sentence", "quote", "url")
SOURCE_SEPARATOR = " | "
# GeoPackage 1.3 rather than GDAL's newest: GDAL before 3.7 warns on 1.4 files.
_OPTIONS = {"GPKG": {"dataset_options": {"VERSION": "1.3"}}}
_FIRST = ("id", "layer", "name", "name_vi", "kind", "event_type", "date", "date_end")


def _cell(value: object) -> object:
    """Return a value a flat format can hold: scalars as they are, anything nested as JSON."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False)


def _columns(features: Sequence[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for feature in features:
        seen.update(dict.fromkeys(feature.get("properties") or {}))
    rest = sorted(k for k in seen if k not in _FIRST and k not in SOURCE_COLUMNS)
    return [k for k in _FIRST if k == "id" or k in seen] + rest


def _provenance(sources: object) -> dict[str, str]:
    entries = [s for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []
    return {
        column: SOURCE_SEPARATOR.join(str(s.get(column, "")) for s in entries)
        for column in SOURCE_COLUMNS
    }


def flat_rows(features: Sequence[dict]) -> tuple[list[str], list[dict]]:
    """Return ``(columns, rows)``: one flat row per feature, geometry left out."""
    columns = _columns(features) + list(SOURCE_COLUMNS)
    rows = []
    for feature in features:
        props = feature.get("properties") or {}
        row = {k: _cell(v) for k, v in props.items() if k not in SOURCE_COLUMNS}
        row["id"] = feature.get("id")
        row.update(_provenance(props.get("sources")))
        rows.append(row)
    return columns, rows


def _shape(feature: dict):
    geometry = feature.get("geometry")
    return shape(geometry) if geometry else None


def _csv(features: Sequence[dict]) -> bytes:
    columns, rows = flat_rows(features)
    out = io.StringIO()
    writer = csv.DictWriter(out, [*columns, "wkt", "lon", "lat"], lineterminator="\r\n")
    writer.writeheader()
    for feature, row in zip(features, rows, strict=True):
        geom = _shape(feature)
        if geom is not None:
            row["wkt"] = shapely.to_wkt(geom, rounding_precision=6, trim=True)
            if geom.geom_type == "Point":
                row["lon"], row["lat"] = geom.x, geom.y
        writer.writerow(row)
    # With a byte order mark, spreadsheet programs read the Vietnamese text as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def _column_values(values: list[object]) -> list[object] | ExtensionArray:
    """Make one column writable by GDAL: a single scalar type, numbers widened, else text."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pandas.array(values, dtype=object)
    if kinds == {int} and None in values:
        return pandas.array([v if isinstance(v, int) else None for v in values], dtype="Int64")
    if len(kinds) <= 1:
        return values
    if kinds == {int, float}:
        return [float(v) if isinstance(v, (int, float)) else None for v in values]
    return [
        None if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        for v in values
    ]


def _ogr(features: Sequence[dict], driver: str, suffix: str, layer: str) -> bytes:
    import geopandas
    import pyogrio

    columns, rows = flat_rows(features)
    if driver == "LIBKML":
        # A Placemark's id attribute is not shown by KML viewers nor read back by GDAL.
        # "begin" and "end" become the Placemark's TimeSpan (LIBKML's default time fields):
        # the date as written, its precision kept (a month is a gYearMonth), through
        # date_end; Google Earth's time slider reads it.
        columns = ["feature_id", *columns, "begin", "end"]
        for row, feature in zip(rows, features, strict=True):
            row["feature_id"] = row["id"]
            props = feature.get("properties") or {}
            if isinstance(props.get("date"), str):
                row["begin"] = props["date"]
                row["end"] = props.get("date_end") or props["date"]
    data = {c: _column_values([row.get(c) for row in rows]) for c in columns}
    frame = geopandas.GeoDataFrame(
        data, geometry=[_shape(f) for f in features], crs="EPSG:4326", columns=columns
    )
    with tempfile.TemporaryDirectory(prefix="mapapp-export-") as tmp:
        path = Path(tmp) / f"{layer}.{suffix}"
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer,
            driver=driver,
            geometry_type="Unknown",
            promote_to_multi=False,
            **_OPTIONS.get(driver, {}),
        )
        return path.read_bytes()


def export(features: Sequence[dict], fmt: str, layer: str) -> bytes:
    """Return ``features`` in format ``fmt`` (a key of FORMATS), as a layer named ``layer``."""
    if fmt == "geojson":
        return dump_geojson({"type": "FeatureCollection", "features": list(features)})
    if fmt == "csv":
        return _csv(features)
    if fmt == "kml":
        return _ogr(features, "LIBKML", "kml", layer)
    if fmt == "gpkg":
        return _ogr(features, "GPKG", "gpkg", layer)
    raise ValueError(f"unknown export format {fmt!r}")
