"""Check a data directory against the data contract; return every problem found."""

from __future__ import annotations

import re

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from mapapp.core.errors import NotFound
from mapapp.core.model import LAYER_IDS, PRECISIONS, UNPLACED, date_precision, sentence_url
from mapapp.sources.articles import Article
from mapapp.store.layers import Store

__all__ = ["validate", "COUNTRY_ISO3", "BORDER_TOLERANCE_DEG"]

#: ISO 3166 alpha-2 to the alpha-3 codes the reference outlines carry.
COUNTRY_ISO3 = {"AM": "ARM", "AZ": "AZE", "RU": "RUS", "TR": "TUR"}
#: Places may lie this far outside their country's outline: generalised borders move.
BORDER_TOLERANCE_DEG = 0.02
_GEOMETRY_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
}  # fmt: skip
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _positions(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _positions(c)


def _decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _check_geometry(fid: str, geometry, problems: list[str]) -> None:
    if geometry is None:
        return
    gtype = geometry.get("type")
    if gtype not in _GEOMETRY_TYPES:
        problems.append(f"{fid}: geometry type {gtype!r} is not an RFC 7946 geometry")
        return
    if "crs" in geometry:
        problems.append(f"{fid}: geometry has a 'crs' member (RFC 7946 forbids it)")
    for pos in _positions(geometry.get("coordinates", [])):
        lon, lat = pos[0], pos[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(f"{fid}: position {pos} is outside WGS 84 [lon, lat] range")
            return
        if _decimals(lon) > 6 or _decimals(lat) > 6:
            problems.append(f"{fid}: position {pos} has more than 6 decimals")
            return
    geom = shape(geometry)
    if not geom.is_valid:
        problems.append(f"{fid}: invalid geometry ({shapely.is_valid_reason(geom)})")
    if isinstance(geom, Polygon):
        polygons = [geom]
    elif isinstance(geom, MultiPolygon):
        polygons = list(geom.geoms)
    else:
        polygons = []
    for poly in polygons:
        if not poly.exterior.is_ccw:
            problems.append(f"{fid}: polygon exterior is not counter-clockwise")
            return


class _Articles:
    """Articles by id, read from the store's files, the most recent few kept."""

    def __init__(self, store: Store, keep: int = 256):
        self.store, self.keep = store, keep
        self.cache: dict[str, Article | None] = {}

    def get(self, article_id: object) -> Article | None:
        if not isinstance(article_id, str):
            return None
        if article_id not in self.cache:
            if len(self.cache) >= self.keep:
                self.cache.pop(next(iter(self.cache)))
            try:
                self.cache[article_id] = self.store.article(article_id)
            except NotFound:
                self.cache[article_id] = None
        return self.cache[article_id]


def _check_sources(fid: str, props: dict, articles: _Articles, problems: list[str]) -> None:
    sources = props.get("sources")
    if props.get("layer") == "regions" and not sources:
        return  # pure reference geometry
    if not sources:
        problems.append(f"{fid}: has no sources")
        return
    for src in sources:
        article = articles.get(src.get("article_id"))
        if article is None:
            problems.append(f"{fid}: source names unknown article {src.get('article_id')!r}")
            continue
        number = src.get("sentence")
        if not isinstance(number, int) or not 1 <= number <= len(article.sentences):
            problems.append(f"{fid}: article {article.id!r} has no sentence {number!r}")
            continue
        if src.get("quote") != article.sentence(number).text:
            problems.append(f"{fid}: quote is not verbatim sentence {number} of {article.id!r}")
        if src.get("url") != sentence_url(article.id, number):
            problems.append(f"{fid}: url {src.get('url')!r} does not link sentence {number}")


def _check_dates(fid: str, props: dict, problems: list[str]) -> None:
    for key in ("date", "date_end"):
        value = props.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            problems.append(f"{fid}: {key} {value!r} is not ISO 8601 YYYY[-MM[-DD]]")
            return
        date_precision(value)
    if props.get("date_end") and props["date_end"] < props.get("date", ""):
        problems.append(f"{fid}: date_end is before date")


def _check_countries(store: Store, problems: list[str]) -> None:
    outlines = {
        f["properties"].get("iso_a3"): shape(f["geometry"]) for f in store.iter_layer("regions")
    }
    for feature in store.iter_layer("places"):
        props = feature["properties"]
        iso3 = COUNTRY_ISO3.get(props.get("country") or "")
        if iso3 is None or iso3 not in outlines or props.get("kind") == "country":
            continue
        point = shape(feature["geometry"])
        if outlines[iso3].distance(point) > BORDER_TOLERANCE_DEG:
            problems.append(f"{feature['id']}: lies outside {iso3}, the country it belongs to")


def validate(store: Store) -> list[str]:
    """Return a list of problems (empty when the data directory keeps the contract).

    Reads every feature once, streaming; remembers every id (to find duplicates).
    """
    problems: list[str] = []
    seen: set[str] = set()
    articles = _Articles(store)
    for layer_id in LAYER_IDS:
        for feature in store.iter_layer(layer_id):
            fid = feature.get("id")
            if not isinstance(fid, str) or not fid:
                problems.append(f"{layer_id}: a feature has no string id")
                continue
            if fid in seen:
                problems.append(f"{fid}: id is not unique across the dataset")
            seen.add(fid)
            if feature.get("type") != "Feature":
                problems.append(f"{fid}: type is not 'Feature'")
            props = feature.get("properties") or {}
            if props.get("layer") != layer_id:
                problems.append(f"{fid}: layer property {props.get('layer')!r} != {layer_id!r}")
            for key in ("name", "name_vi", "kind", "geometry_source"):
                if not props.get(key):
                    problems.append(f"{fid}: lacks property {key!r}")
            geometry = feature.get("geometry")
            precision = props.get("geo_precision")
            if layer_id == "events" and precision == UNPLACED:
                if geometry is not None:
                    problems.append(f"{fid}: an unplaced event has a geometry")
            elif precision not in PRECISIONS:
                problems.append(f"{fid}: geo_precision {precision!r} invalid")
            elif geometry is None:
                problems.append(f"{fid}: has no geometry but is not an unplaced event")
            _check_geometry(fid, geometry, problems)
            _check_sources(fid, props, articles, problems)
            _check_dates(fid, props, problems)
            if layer_id == "events":
                for key in ("date", "event_type"):
                    if not props.get(key):
                        problems.append(f"{fid}: event lacks {key!r}")
    _check_countries(store, problems)
    return problems
