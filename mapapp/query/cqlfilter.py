"""CQL2 filter expressions (OGC API – Features – Part 3) as SQL conditions on the index.

``cql2`` (the Rust reference implementation's Python package) reads the text or the JSON
encoding and returns the standard's JSON form; each node of that is translated here into a
condition on the index's ``features`` row, so a filter is evaluated by SQLite beside the other
parameters, with the same indexes, never by loading features into Python:

- scalar queryables are columns (``kind``, ``event_type``, ``geo_precision``, ``name``,
  ``name_vi``, ``id``); ``article_id`` holds when one of the feature's sources is from that
  article (the ``cites`` table);
- ``date`` and ``date_end`` are the first and last day of the feature's date (with its
  precision: "2020-11" spans the month) and ``datetime`` is that span as an interval; time has
  the resolution of a day, so a TIMESTAMP is read as its day in UTC;
- ``geometry`` is tested with shapely (``cql_spatial``), after the bounds kept in the row have
  ruled out what cannot meet; a top-level ``S_INTERSECTS`` with a BBOX is answered by the
  R*Tree like the ``bbox`` parameter.

SQL's three-valued logic is CQL2's: a comparison with a NULL (an unset property, an undated
feature's time, a feature without geometry) is NULL, so is its NOT, and the feature is left
out. Every expression is bounded (length, nesting, nodes) before it is parsed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from mapapp.core.errors import BadParameter
from mapapp.core.model import LAYER_IDS

__all__ = [
    "CONFORMANCE",
    "FILTER_LANGS",
    "MAX_FILTER",
    "Condition",
    "parse_filter",
    "queryables",
]

#: The CQL2 conformance classes whose requirements are met.
CONFORMANCE = tuple(
    f"http://www.opengis.net/spec/cql2/1.0/conf/{name}"
    for name in (
        "cql2-text",
        "cql2-json",
        "basic-cql2",
        "advanced-comparison-operators",
        "case-insensitive-comparison",
        "accent-insensitive-comparison",
        "basic-spatial-functions",
        "basic-spatial-functions-plus",
        "spatial-functions",
        "temporal-functions",
    )
)
FILTER_LANGS = ("cql2-text", "cql2-json")
#: The longest filter accepted, in characters, and its deepest nesting of brackets.
MAX_FILTER = 4096
MAX_DEPTH = 24
#: The most nodes (operators, properties, literals) one expression may have.
MAX_NODES = 400
_PARAM = "filter"
#: The open end of an interval, as a day ordinal beyond any date.
_OPEN = 10**9

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Queryable:
    """A property a filter may name: what it is and the index column it reads."""

    name: str
    kind: str  # string | date | interval | geometry | article
    column: str
    title: str
    #: The layers that have it (None: all).
    layers: tuple[str, ...] | None = None

    def schema(self, geometry_format: str) -> dict:
        if self.kind == "geometry":
            return {"title": self.title, "format": geometry_format}
        if self.kind in ("date", "interval"):
            return {"title": self.title, "type": "string", "format": "date"}
        return {"title": self.title, "type": "string"}


_QUERYABLES = (
    Queryable("geometry", "geometry", "", "Geometry (also the bbox parameter)"),
    Queryable(
        "datetime", "interval", "",
        "The days the date spans, first to last (also the datetime parameter)",
    ),
    Queryable("date", "date", "day_start", "First day of the date"),
    Queryable("date_end", "date", "day_end", "Last day of the date (date_end, or date's own)"),
    Queryable("id", "string", "id", "Feature id"),
    Queryable("name", "string", "name", "Name"),
    Queryable("name_vi", "string", "name_vi", "Name in Vietnamese"),
    Queryable("kind", "string", "kind", "Kind of feature"),
    Queryable("geo_precision", "string", "geo_precision", "How precisely it is placed"),
    Queryable("event_type", "string", "event_type", "Event type", ("events",)),
    Queryable("article_id", "article", "", "An article one of its sources cites"),
)  # fmt: skip


def queryables(layer_id: str) -> dict[str, Queryable]:
    """The queryables of a layer's collection, by name."""
    return {q.name: q for q in _QUERYABLES if q.layers is None or layer_id in q.layers}


@dataclass(frozen=True)
class Condition:
    """A filter as SQL on the row ``f`` of ``features`` (``{f}`` stands for its alias), and
    the boxes of a top-level ``S_INTERSECTS`` with a BBOX (None if it has none)."""

    sql: str
    args: tuple
    boxes: tuple[Box, ...] | None = None
    #: The days of a top-level ``T_INTERSECTS(datetime, ...)`` (an end None: open), which
    #: undated features do not meet; None if it has none.
    days: tuple[int | None, int | None] | None = None
    #: The event types of a top-level ``event_type = ...`` or ``event_type IN (...)``.
    event_types: tuple[str, ...] | None = None


# -- reading the expression ------------------------------------------------------------------
def _depth(text: str) -> int:
    """The deepest nesting of brackets outside quoted strings."""
    depth = deepest = 0
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _parse(text: str, lang: str) -> object:
    if not text.strip():
        raise BadParameter(_PARAM, "must not be empty")
    if len(text) > MAX_FILTER:
        raise BadParameter(_PARAM, f"longer than {MAX_FILTER} characters")
    if _depth(text) > MAX_DEPTH:
        raise BadParameter(_PARAM, f"nested more than {MAX_DEPTH} levels deep")
    import cql2  # noqa: PLC0415 - loaded by the first filter, not at start-up

    try:
        expr = cql2.parse_text(text) if lang == "cql2-text" else cql2.parse_json(text)
    except Exception as exc:  # cql2 raises a bare Exception for text syntax errors
        detail = " ".join(str(exc).split())
        raise BadParameter(_PARAM, f"not valid {lang.upper()}: {detail[:300]}") from None
    return expr.to_json()


# -- typed SQL fragments ---------------------------------------------------------------------
@dataclass(frozen=True)
class _Sql:
    sql: str
    args: tuple
    #: bool | string | number | boolean | date | interval | geometry | null | article
    type: str
    #: For a temporal value: the SQL of its first and last day (each with its arguments).
    span: tuple[tuple[str, tuple], tuple[str, tuple]] | None = None
    #: For a geometry literal: the geometry as GeoJSON (a bbox as a Polygon).
    literal: dict | None = None
    #: For ``article_id``: the test applied to each citing article.
    article: bool = False


_COMPARE = {"=": "=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_SPATIAL = {
    "s_intersects": "intersects",
    "s_equals": "equals",
    "s_disjoint": "disjoint",
    "s_touches": "touches",
    "s_within": "within",
    "s_overlaps": "overlaps",
    "s_crosses": "crosses",
    "s_contains": "contains",
}
#: The predicate that holds when the operands are swapped.
_CONVERSE = {"within": "contains", "contains": "within"}
_PLACEHOLDER = re.compile(r"\{(a0|a1|b0|b1)\}")
# Allen's relations of intervals [a0, a1] and [b0, b1], as the CQL2 standard tabulates them.
_TEMPORAL: dict[str, str] = {
    "t_after": "{a0} > {b1}",
    "t_before": "{a1} < {b0}",
    "t_contains": "{a0} < {b0} AND {a1} > {b1}",
    "t_disjoint": "({a0} > {b1} OR {a1} < {b0})",
    "t_during": "{a0} > {b0} AND {a1} < {b1}",
    "t_equals": "{a0} = {b0} AND {a1} = {b1}",
    "t_finishedby": "{a0} < {b0} AND {a1} = {b1}",
    "t_finishes": "{a0} > {b0} AND {a1} = {b1}",
    "t_intersects": "{a0} <= {b1} AND {a1} >= {b0}",
    "t_meets": "{a1} = {b0}",
    "t_metby": "{a0} = {b1}",
    "t_overlappedby": "{a0} > {b0} AND {a0} < {b1} AND {a1} > {b1}",
    "t_overlaps": "{a0} < {b0} AND {a1} > {b0} AND {a1} < {b1}",
    "t_startedby": "{a0} = {b0} AND {a1} > {b1}",
    "t_starts": "{a0} = {b0} AND {a1} < {b1}",
}


class _Translator:
    def __init__(self, layer_id: str):
        self.layer_id = layer_id
        self.queryables = queryables(layer_id)
        self.nodes = 0

    # Values -----------------------------------------------------------------------------
    def value(self, node: object) -> _Sql:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _fail(f"more than {MAX_NODES} terms")
        if node is None:
            return _Sql("NULL", (), "null")
        if isinstance(node, bool):
            return _Sql("?", (int(node),), "boolean")
        if isinstance(node, (int, float)):
            if not math.isfinite(node):
                raise _fail("numbers must be finite")
            return _Sql("?", (node,), "number")
        if isinstance(node, str):
            return _Sql("?", (node,), "string")
        if isinstance(node, list):
            raise _fail("a list is allowed only after IN")
        if not isinstance(node, dict):
            raise _fail(f"unexpected value {node!r}")
        if "property" in node:
            return self.property(node["property"])
        if "date" in node or "timestamp" in node:
            day = self.day(node.get("date", node.get("timestamp")))
            return _Sql("?", (day,), "date", span=(("?", (day,)), ("?", (day,))))
        if "interval" in node:
            return self.interval(node["interval"])
        if "bbox" in node:
            return self.geometry(_bbox_polygon(node["bbox"], _fail))
        if "type" in node:
            return self.geometry(node)
        if "op" in node:
            return self.operation(str(node["op"]), node.get("args"))
        raise _fail(f"not an expression: {orjson.dumps(node).decode()[:80]}")

    def property(self, name: object) -> _Sql:
        found = self.queryables.get(str(name))
        if found is None:
            raise _fail(
                f"{name!r} is not a queryable of {self.layer_id}; see its queryables: "
                + ", ".join(self.queryables)
            )
        if found.kind == "string":
            return _Sql(f"{{f}}.{found.column}", (), "string")
        if found.kind == "date":
            col = f"{{f}}.{found.column}"
            return _Sql(col, (), "date", span=((col, ()), (col, ())))
        if found.kind == "interval":
            return _Sql(
                "{f}.day_start", (), "interval",
                span=(("{f}.day_start", ()), ("{f}.day_end", ())),
            )  # fmt: skip
        if found.kind == "geometry":
            return _Sql("{f}.bw", (), "geometry")
        return _Sql("", (), "article", article=True)

    def day(self, text: object) -> int:
        if not isinstance(text, str):
            raise _fail("a date or timestamp must be a string")
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).toordinal()
            stamp = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _fail(f"not an RFC 3339 date or timestamp: {text!r}") from None
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(dt.UTC)
        return stamp.date().toordinal()

    def interval(self, ends: object) -> _Sql:
        if not isinstance(ends, list) or len(ends) != 2:
            raise _fail("an interval has two ends")
        parts = []
        for index, end in enumerate(ends):
            if end == "..":
                parts.append(("?", (-_OPEN if index == 0 else _OPEN,)))
            elif isinstance(end, str):
                parts.append(("?", (self.day(end),)))
            else:
                inner = self.value(end)
                if inner.span is None or inner.type == "interval":
                    raise _fail("an interval's ends are dates, timestamps or '..'")
                parts.append(inner.span[index])
        return _Sql("", (), "interval", span=(parts[0], parts[1]))

    def geometry(self, geometry: dict) -> _Sql:
        _check_geometry(geometry, _fail)
        return _Sql("?", (orjson.dumps(geometry).decode(),), "geometry", literal=geometry)

    # Operations ---------------------------------------------------------------------------
    def operation(self, op: str, args: object) -> _Sql:
        if not isinstance(args, list):
            raise _fail(f"{op}: its arguments must be a list")
        op = op.lower() if op.lower() in ("and", "or", "not", "like", "in") else op
        if op in ("and", "or"):
            if len(args) < 2:
                raise _fail(f"{op} needs two or more arguments")
            parts = [self.predicate(a) for a in args]
            sql = f" {op.upper()} ".join(f"({p.sql})" for p in parts)
            return _Sql(sql, sum((p.args for p in parts), ()), "bool")
        if op == "not":
            (inner,) = self.arity(op, args, 1)
            part = self.predicate(inner)
            return _Sql(f"NOT ({part.sql})", part.args, "bool")
        if op in _COMPARE:
            return self.compare(_COMPARE[op], *self.arity(op, args, 2))
        if op == "isNull":
            (inner,) = self.arity(op, args, 1)
            value = self.value(inner)
            if value.article:
                return _Sql("NOT EXISTS (SELECT 1 FROM cites c WHERE c.n = {f}.n)", (), "bool")
            if value.type == "bool":
                raise _fail("IS NULL applies to a value, not a predicate")
            return _Sql(f"({value.sql}) IS NULL", value.args, "bool")
        if op == "like":
            subject, pattern = (self.value(a) for a in self.arity(op, args, 2))
            if pattern.type != "string" or subject.type not in ("string", "article"):
                raise _fail("LIKE compares a string with a string pattern")
            return self.on_articles(subject, "cql_like({v}, {p})", pattern)
        if op == "between":
            subject, low, high = (self.value(a) for a in self.arity(op, args, 3))
            self.same_type("BETWEEN", subject, low, high)
            return _Sql(
                f"({subject.sql}) BETWEEN ({low.sql}) AND ({high.sql})",
                subject.args + low.args + high.args, "bool",
            )  # fmt: skip
        if op == "in":
            subject_node, items = self.arity(op, args, 2)
            if not isinstance(items, list) or not items:
                raise _fail("IN needs a non-empty list")
            subject = self.value(subject_node)
            values = [self.value(i) for i in items]
            self.same_type("IN", subject, *values)
            listed = _Sql(", ".join(v.sql for v in values), sum((v.args for v in values), ()), "")
            return self.on_articles(subject, "{v} IN ({p})", listed)
        if op in ("casei", "accenti"):
            (inner,) = self.arity(op, args, 1)
            value = self.value(inner)
            if value.type != "string":
                raise _fail(f"{op.upper()} applies to a string")
            return _Sql(f"cql_{op}({value.sql})", value.args, "string")
        if op.lower() in _SPATIAL:
            return self.spatial(_SPATIAL[op.lower()], *self.arity(op, args, 2))
        if op.lower() in _TEMPORAL:
            return self.temporal(op.lower(), *self.arity(op, args, 2))
        raise _fail(f"{op!r} is not an operator or function this service supports")

    def arity(self, op: str, args: list, count: int) -> list:
        if len(args) != count:
            raise _fail(f"{op} takes {count} argument{'s' if count > 1 else ''}")
        return args

    def predicate(self, node: object) -> _Sql:
        part = self.value(node)
        if part.type == "boolean":
            return _Sql(part.sql, part.args, "bool")
        if part.type != "bool":
            raise _fail("AND, OR and NOT join predicates (comparisons, functions)")
        return part

    def same_type(self, what: str, *values: _Sql) -> None:
        kinds = {"article": "string"}
        types = {kinds.get(v.type, v.type) for v in values if v.type != "null"}
        if len(types) > 1:
            raise _fail(f"{what} mixes {' and '.join(sorted(types))} values")
        if types & {"bool", "interval", "geometry"}:
            raise _fail(f"{what} compares strings, numbers, booleans or dates")

    def on_articles(self, subject: _Sql, template: str, other: _Sql) -> _Sql:
        """``template`` applied to ``subject``; for ``article_id``, to any citing article."""
        if subject.article:
            test = template.format(v="c.article_id", p=other.sql)
            sql = f"EXISTS (SELECT 1 FROM cites c WHERE c.n = {{f}}.n AND {test})"
            return _Sql(sql, other.args, "bool")
        sql = template.format(v=f"({subject.sql})", p=other.sql)
        return _Sql(sql, subject.args + other.args, "bool")

    def compare(self, operator: str, left_node: object, right_node: object) -> _Sql:
        left, right = self.value(left_node), self.value(right_node)
        self.same_type("a comparison", left, right)
        if right.article and not left.article:
            left, right = right, left
            operator = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(operator, operator)
        if left.article:
            if operator != "=" or right.article:
                raise _fail("article_id is compared with = (or IN, LIKE) to a string")
            return self.on_articles(left, "{v} = {p}", right)
        return _Sql(f"({left.sql}) {operator} ({right.sql})", left.args + right.args, "bool")

    def spatial(self, name: str, first_node: object, second_node: object) -> _Sql:
        first, second = self.value(first_node), self.value(second_node)
        if first.type != "geometry" or second.type != "geometry":
            raise _fail(f"S_{name.upper()} compares two geometries")
        if first.literal is not None and second.literal is not None:
            return _Sql("?", (int(_literal_test(name, first.literal, second.literal)),), "bool")
        if first.literal is None and second.literal is None:
            raise _fail("a spatial function compares the geometry with a literal geometry")
        if first.literal is not None:
            first, second = second, first
            name = _CONVERSE.get(name, name)
        assert second.literal is not None
        problem = _invalid(second.literal)
        if problem:
            raise _fail(f"not a valid geometry: {problem}")
        try:  # what GEOS cannot evaluate is refused here, not met in the query
            _literal_test(name, {"type": "Point", "coordinates": [0.0, 0.0]}, second.literal)
        except Exception:
            raise _fail(f"S_{name.upper()} cannot be evaluated with this geometry") from None
        call = "cql_spatial(?, ?, {f}.bw, {f}.bs, {f}.be, {f}.bn, {f}.body)"
        args: tuple = (name, second.args[0])
        if name == "disjoint":
            return _Sql(call, args, "bool")
        # Whatever meets the literal has bounds that meet its bounds: tested first, in SQL.
        west, south, east, north = _bounds(second.literal)
        sql = f"{{f}}.bw <= ? AND {{f}}.be >= ? AND {{f}}.bs <= ? AND {{f}}.bn >= ? AND {call}"
        return _Sql(sql, (east, west, north, south, *args), "bool")

    def temporal(self, name: str, first_node: object, second_node: object) -> _Sql:
        first, second = self.value(first_node), self.value(second_node)
        if first.span is None or second.span is None:
            raise _fail(f"{name.upper()} compares two times (dates, intervals)")
        (a0, a0_args), (a1, a1_args) = first.span
        (b0, b0_args), (b1, b1_args) = second.span
        ends = {"a0": (a0, a0_args), "a1": (a1, a1_args), "b0": (b0, b0_args), "b1": (b1, b1_args)}
        args: list = []

        def put(match: re.Match) -> str:
            sql, values = ends[match[1]]
            args.extend(values)
            return sql

        sql = _PLACEHOLDER.sub(put, _TEMPORAL[name])
        return _Sql(sql, tuple(args), "bool")


# -- geometry literals -----------------------------------------------------------------------
def _bbox_polygon(values: object, fail: Callable[[str], BadParameter]) -> dict:
    if not isinstance(values, list) or len(values) not in (4, 6):
        raise fail("a BBOX has 4 numbers (or 6 with heights)")
    numbers = [float(v) for v in values if isinstance(v, (int, float))]
    if len(numbers) != len(values):
        raise fail("a BBOX has numbers only")
    west, south, east, north = (
        numbers if len(numbers) == 4 else (numbers[0], numbers[1], numbers[3], numbers[4])
    )
    if south > north:
        raise fail("a BBOX's south edge lies north of its north edge")
    if west > east:  # across the antimeridian
        return {
            "type": "MultiPolygon",
            "coordinates": [_ring(west, south, 180.0, north), _ring(-180.0, south, east, north)],
        }
    return {"type": "Polygon", "coordinates": _ring(west, south, east, north)}


def _ring(west: float, south: float, east: float, north: float) -> list:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection",
}  # fmt: skip


def _check_geometry(geometry: dict, fail: Callable[[str], BadParameter]) -> None:
    if geometry.get("type") not in _TYPES:
        raise fail(f"not a geometry type: {geometry.get('type')!r}")
    if geometry["type"] == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list) or not members:
            raise fail("a GEOMETRYCOLLECTION needs members")
        for member in members:
            if not isinstance(member, dict):
                raise fail("a GEOMETRYCOLLECTION holds geometries")
            _check_geometry(member, fail)
        return
    count = 0
    for lon, lat in _positions(geometry.get("coordinates"), fail):
        count += 1
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise fail("coordinates are longitude, latitude in CRS84: within ±180, ±90")
    if not count:
        raise fail("a geometry needs coordinates")


def _positions(coords: object, fail: Callable[[str], BadParameter]):
    if isinstance(coords, list) and coords and all(isinstance(c, (int, float)) for c in coords):
        if len(coords) not in (2, 3) or not all(math.isfinite(c) for c in coords):
            raise fail("a position has 2 or 3 finite numbers")
        yield float(coords[0]), float(coords[1])
        return
    if not isinstance(coords, list):
        raise fail("coordinates must be lists of numbers")
    for part in coords:
        yield from _positions(part, fail)


def _fail(message: str) -> BadParameter:
    return BadParameter(_PARAM, message)


def _bounds(geometry: dict) -> Box:
    def walk(g: dict):
        if g["type"] == "GeometryCollection":
            for member in g["geometries"]:
                yield from walk(member)
        else:
            yield from _positions(g["coordinates"], _fail)

    points = list(walk(geometry))
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _invalid(geometry: dict) -> str:
    """Why a literal geometry is invalid (a self-crossing ring...), or ""."""
    from shapely.geometry import shape  # noqa: PLC0415 - only for spatial filters
    from shapely.validation import explain_validity  # noqa: PLC0415

    found = shape(geometry)
    return "" if found.is_valid else explain_validity(found)


def _literal_test(name: str, first: dict, second: dict) -> bool:
    from shapely.geometry import shape  # noqa: PLC0415 - only for spatial filters

    return bool(getattr(shape(first), name)(shape(second)))


def _top_box(node: object) -> tuple[Box, ...] | None:
    """The boxes of ``S_INTERSECTS(geometry, BBOX(...))`` if ``node`` is one."""
    if not (isinstance(node, dict) and str(node.get("op", "")).lower() == "s_intersects"):
        return None
    args = node.get("args")
    if not isinstance(args, list) or len(args) != 2:
        return None
    if args[1] == {"property": "geometry"}:
        args = [args[1], args[0]]
    if args[0] != {"property": "geometry"} or not isinstance(args[1], dict):
        return None
    values = args[1].get("bbox")
    if not isinstance(values, list) or len(values) not in (4, 6):
        return None
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
        return None
    west, south, east, north = (
        values if len(values) == 4 else (values[0], values[1], values[3], values[4])
    )
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        return None
    if west > east:
        return (west, south, 180.0, north), (-180.0, south, east, north)
    return ((west, south, east, north),)


#: Moves a position, and a BBOX's numbers, from the filter's CRS into CRS84.
Movers = tuple[Callable[[list], list], Callable[[list], list]]


def _to_crs84(node: object, movers: Movers) -> object:
    """``node`` with its geometry literals moved into CRS84 (``filter-crs``)."""
    position, bbox = movers
    if isinstance(node, list):
        return [_to_crs84(n, movers) for n in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("bbox"), list) and len(node) == 1:
        return {"bbox": bbox(node["bbox"])}
    if node.get("type") in _TYPES:
        if node["type"] == "GeometryCollection":
            return {**node, "geometries": _to_crs84(node.get("geometries"), movers)}
        return {**node, "coordinates": _move(node.get("coordinates"), position)}
    if "args" in node:
        return {**node, "args": _to_crs84(node["args"], movers)}
    return node


def _move(coords: object, position: Callable[[list], list]) -> object:
    if isinstance(coords, list) and coords and all(isinstance(c, (int, float)) for c in coords):
        return position(coords)
    if isinstance(coords, list):
        return [_move(part, position) for part in coords]
    return coords


def parse_filter(
    text: str,
    lang: str | None,
    layer_id: str,
    has_boxes: bool = False,
    movers: Movers | None = None,
    has_days: bool = False,
) -> Condition:
    """Return the condition of a ``filter`` parameter on a layer's features.

    ``lang``: ``filter-lang`` (default cql2-text). ``has_boxes``: the request has a ``bbox``
    already, so a BBOX in the filter is tested as SQL rather than given to the R*Tree.
    ``movers``: for a ``filter-crs`` other than CRS84, what moves its coordinates into CRS84.
    ``has_days``: the request has a ``datetime`` already (whose window undated features
    meet), so a T_INTERSECTS in the filter is tested as SQL.
    """
    if layer_id not in LAYER_IDS:
        raise ValueError(layer_id)
    lang = lang or "cql2-text"
    if lang not in FILTER_LANGS:
        raise BadParameter("filter-lang", f"one of {', '.join(FILTER_LANGS)}")
    tree = _parse(text, lang)
    if movers is not None:
        tree = _to_crs84(tree, movers)
    translator = _Translator(layer_id)
    conjuncts = (
        list(tree["args"])
        if isinstance(tree, dict) and tree.get("op") == "and" and isinstance(tree.get("args"), list)
        else [tree]
    )
    # What the index's R*Trees answer with the other parameters is taken out of the SQL: a
    # box, a time window and event types at the top level (each once).
    boxes = _take(conjuncts, _top_box) if not has_boxes else None
    days = _take(conjuncts, lambda c: _top_days(c, translator)) if not has_days else None
    types = _take(conjuncts, _top_types) if layer_id == "events" else None
    if not conjuncts:
        return Condition("1", (), boxes, days, types)
    parts = [translator.predicate(c) for c in conjuncts]
    sql = " AND ".join(f"({p.sql})" for p in parts)
    return Condition(sql, sum((p.args for p in parts), ()), boxes, days, types)


def _take(conjuncts: list, read: Callable[[object], object]):
    """The first conjunct ``read`` makes something of, removed from the list; else None."""
    for index, conjunct in enumerate(conjuncts):
        found = read(conjunct)
        if found is not None:
            del conjuncts[index]
            return found
    return None


def _top_days(node: object, translator: _Translator) -> tuple[int | None, int | None] | None:
    """The days of ``T_INTERSECTS(datetime, <date, timestamp or interval of them>)``."""
    if not (isinstance(node, dict) and str(node.get("op", "")).lower() == "t_intersects"):
        return None
    args = node.get("args")
    if not isinstance(args, list) or len(args) != 2 or args[0] != {"property": "datetime"}:
        return None
    other = args[1]
    if not isinstance(other, dict):
        return None
    if "date" in other or "timestamp" in other:
        day = translator.day(other.get("date", other.get("timestamp")))
        return day, day
    ends = other.get("interval")
    if not isinstance(ends, list) or len(ends) != 2 or not all(isinstance(e, str) for e in ends):
        return None
    first, last = (None if e == ".." else translator.day(e) for e in ends)
    return first, last


def _top_types(node: object) -> tuple[str, ...] | None:
    """The types of ``event_type = 'x'`` or ``event_type IN ('x', ...)``."""
    if not isinstance(node, dict) or node.get("op") not in ("=", "in"):
        return None
    args = node.get("args")
    if not isinstance(args, list) or len(args) != 2 or args[0] != {"property": "event_type"}:
        return None
    values = args[1] if node["op"] == "in" else [args[1]]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        return None
    return tuple(values)
