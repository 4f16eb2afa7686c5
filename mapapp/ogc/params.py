"""Parse and validate query parameters: unknown names, repeats and malformed values are a 400."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mapapp.core.errors import BadParameter
from mapapp.core.text import nfc
from mapapp.ogc.crs import CRS84, box_to_crs84, check_crs
from mapapp.ogc.temporal import Query, parse_datetime
from mapapp.store.queries import Box

__all__ = [
    "CQL_PARAMS",
    "FILTER_NAMES",
    "FILTER_PARAMS",
    "ITEMS_PARAMS",
    "ItemsQuery",
    "check_names",
    "parse_bbox",
    "parse_int",
    "parse_items_query",
]

#: Property filters: equality on ``event_type`` and ``kind``; ``article_id`` matches any source.
FILTER_NAMES = ("event_type", "article_id", "kind")
#: A CQL2 filter (Part 3), its encoding and the CRS of its geometries.
CQL_PARAMS = ("filter", "filter-lang", "filter-crs")
#: What narrows an items query; a collection accepts these too and carries them into its links.
FILTER_PARAMS = ("bbox", "bbox-crs", "datetime", *FILTER_NAMES, *CQL_PARAMS)
#: What shapes an items page besides its filters: order, text search, the parts returned.
SHAPE_PARAMS = ("q", "sortby", "properties", "skipGeometry", "resulttype", "crs")
ITEMS_PARAMS = ("f", *FILTER_PARAMS, *SHAPE_PARAMS, "limit", "offset")
#: ``sortby`` values and the store's order each is (the orders an index holds).
SORTS = {"date": "+date", "+date": "+date", "-date": "date", "id": "id", "+id": "id",
         "-id": "-id"}  # fmt: skip
_PROPERTY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_QUERY = 200
_INT = re.compile(r"^[0-9]{1,9}$")


@dataclass(frozen=True)
class ItemsQuery:
    """A validated items query. ``limit``/``offset`` are None when the request did not give them."""

    boxes: tuple[Box, ...] | None
    span: Query | None
    filters: tuple[tuple[str, str], ...]
    limit: int | None
    offset: int | None
    #: The filter parameters as given, canonically ordered, for building links.
    passthrough: tuple[tuple[str, str], ...]
    #: ``q``: words to search (names, actors, quotes), best match first unless sorted.
    text: str | None = None
    #: The store's order (``SORTS``), or None for the collection's own.
    order: str | None = None
    #: Only these properties in each feature (None: all of them).
    properties: tuple[str, ...] | None = None
    skip_geometry: bool = False
    #: ``resulttype=hits``: the count only, no features.
    hits: bool = False
    #: ``filter``, ``filter-lang`` and ``filter-crs`` as given (translated per collection).
    cql: tuple[str, str | None, str | None] | None = None
    #: The CRS of the geometries returned (Part 2).
    crs: str = CRS84


def check_names(params: tuple[tuple[str, str], ...], allowed: tuple[str, ...]) -> dict[str, str]:
    """Return ``{name: value}``; BadParameter for an unknown name or a name repeated with a
    different value (clients such as GDAL repeat a parameter verbatim, which is harmless)."""
    values: dict[str, str] = {}
    for name, value in params:
        if name not in allowed:
            raise BadParameter(name, f"unknown parameter; allowed here: {', '.join(allowed)}")
        if name in values and values[name] != value:
            raise BadParameter(name, "given more than once with different values")
        values[name] = value
    return values


def parse_bbox(value: str, crs: str = CRS84) -> tuple[Box, ...]:
    """Return the boxes to search for ``minlon,minlat,maxlon,maxlat`` (WGS 84, CRS84 order),
    or the six numbers of a CRS84h box (``minlon,minlat,minh,maxlon,maxlat,maxh``); in
    another CRS (``bbox-crs``), its four corner coordinates in that CRS's axis order.

    A box whose west edge lies east of its east edge crosses the antimeridian and is split in
    two. Latitudes must be in [-90, 90] with south <= north, longitudes in [-180, 180].
    """
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise BadParameter(
            "bbox",
            "expected 4 comma-separated numbers (minlon,minlat,maxlon,maxlat) or 6 "
            "(minlon,minlat,minheight,maxlon,maxlat,maxheight)",
        )
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise BadParameter("bbox", "every corner coordinate must be a number") from None
    if not all(math.isfinite(v) for v in numbers):
        raise BadParameter("bbox", "coordinates must be finite numbers")
    if crs != CRS84:
        if len(numbers) != 4:
            raise BadParameter("bbox", f"give 4 numbers in {crs}")
        numbers = list(box_to_crs84((numbers[0], numbers[1], numbers[2], numbers[3]), crs))
    if len(numbers) == 6:
        # CRS84h (/req/core/fc-bbox-definition D): the features have no height, so every
        # height range holds them; only a range whose bottom is above its top is wrong.
        west, south, low, east, north, high = numbers
        if low > high:
            raise BadParameter("bbox", "the minimum height is above the maximum height")
    else:
        west, south, east, north = numbers
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise BadParameter("bbox", "longitudes must be within [-180, 180]")
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise BadParameter("bbox", "latitudes must be within [-90, 90]")
    if south > north:
        raise BadParameter("bbox", "the minimum latitude is north of the maximum latitude")
    if west > east:
        return (west, south, 180.0, north), (-180.0, south, east, north)
    return ((west, south, east, north),)


def parse_int(name: str, value: str, minimum: int, maximum: int | None = None) -> int:
    """Return a decimal integer parameter within bounds; BadParameter otherwise."""
    if not _INT.match(value):
        raise BadParameter(name, "must be a whole number written with digits only")
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise BadParameter(name, f"must be {bounds}")
    return number


def _filter_value(name: str, value: str) -> str:
    value = nfc(value)
    if not value:
        raise BadParameter(name, "must not be empty")
    return value


def parse_items_query(values: dict[str, str], max_limit: int) -> ItemsQuery:
    """Validate the filter and paging parameters of an items (or collection) request."""
    bbox_crs = check_crs("bbox-crs", values.get("bbox-crs"))
    if "bbox-crs" in values and "bbox" not in values:
        raise BadParameter("bbox-crs", "given without a bbox")
    boxes = parse_bbox(values["bbox"], bbox_crs) if "bbox" in values else None
    span = parse_datetime(values["datetime"]) if "datetime" in values else None
    filters = tuple(
        (name, _filter_value(name, values[name])) for name in FILTER_NAMES if name in values
    )
    # A limit above the maximum is not an error: the maximum is used (/req/core/
    # fc-limit-response-1 C).
    limit = min(parse_int("limit", values["limit"], 1), max_limit) if "limit" in values else None
    offset = parse_int("offset", values["offset"], 0) if "offset" in values else None
    text = values.get("q")
    if text is not None and not 0 < len(text) <= MAX_QUERY:
        raise BadParameter("q", f"give 1 to {MAX_QUERY} characters")
    order = None
    if "sortby" in values:
        order = SORTS.get(values["sortby"].replace(" ", "+"))  # "+" arrives as a space
        if order is None:
            raise BadParameter("sortby", f"one of {', '.join(SORTS)}")
    properties = None
    if "properties" in values:
        properties = tuple(p for p in values["properties"].split(",") if p)
        bad = [p for p in properties if not _PROPERTY.match(p)]
        if bad:
            raise BadParameter("properties", f"not a property name: {bad[0]!r}")
    skip = _flag("skipGeometry", values.get("skipGeometry", "false"))
    resulttype = values.get("resulttype", "results")
    if resulttype not in ("results", "hits"):
        raise BadParameter("resulttype", "one of results, hits")
    for name in CQL_PARAMS[1:]:
        if name in values and "filter" not in values:
            raise BadParameter(name, "given without a filter")
    cql = None
    if "filter" in values:
        cql = (values["filter"], values.get("filter-lang"), values.get("filter-crs"))
    shaping = (*FILTER_PARAMS, *SHAPE_PARAMS)
    passthrough = tuple((name, values[name]) for name in shaping if name in values)
    return ItemsQuery(
        boxes, span, filters, limit, offset, passthrough,
        text, order, properties, skip, resulttype == "hits", cql,
        check_crs("crs", values.get("crs")),
    )  # fmt: skip


def _flag(name: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise BadParameter(name, "true or false")
    return value.lower() == "true"
