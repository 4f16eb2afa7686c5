"""Which features meet a box, exactly, found in the index's R*Trees.

The R*Trees keep 32-bit bounds rounded outwards, a day span, and a code for the feature's overlay
and shape class (the index's ``codes`` table). A box query of some layers or overlays, in a time
window, is then answered by the trees, at a fraction of a microsecond a match, without reading
the features:

- a **point** (a feature whose bounds are one point) matches when its tree entry meets the box,
  except where the rounding decides: an entry not wholly inside the box (the few that straddle
  an edge) is tested against its exact position, in the same walk of the tree;
- a **multi-point** matches when one of its points does: each point has its own entry in the
  members' tree (and its exact position beside it), tested as above;
- a **line or an area** (few: routes and regions) is a candidate when its bounds meet the box,
  and matches when its shape does (shapely).

``matches`` returns one SQL query yielding each matching feature's ``n`` once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from mapapp.store.index import CODE_SPAN, UNDATED
from mapapp.store.rows import MAX_MEMBERS, SHAPE_MEMBERS, SHAPE_OTHER, SHAPE_POINT

__all__ = ["codes", "matches", "row_test"]

Box = tuple[float, float, float, float]


def _terms(
    box: Box, days: tuple[int | None, int | None] | None, undated: bool
) -> tuple[list[str], list]:
    """The R*Tree constraints of one box and the time window."""
    west, south, east, north = box
    terms = ["west <= ?", "east >= ?", "south <= ?", "north >= ?"]
    args: list = [east, west, north, south]
    if days is not None:
        first, last = days
        terms += ["first <= ?", "last >= ?"]
        args += [UNDATED[1] if last is None else last, UNDATED[0] if first is None else first]
        if not undated:
            # An undated feature spans the whole time axis.
            terms.append("first > ?")
            args.append(UNDATED[0])
    return terms, args


@dataclass(frozen=True)
class _Tree:
    """An R*Tree of points: its key, what a match yields, and a test of an entry's exact
    position (four arguments: west, east, south, north)."""

    table: str
    key: str
    yields: str
    exact: str


_POINTS = _Tree(
    "features_bbox",
    "n",
    "n",
    "EXISTS (SELECT 1 FROM features x WHERE x.n = features_bbox.n "
    "AND x.bw BETWEEN ? AND ? AND x.bs BETWEEN ? AND ?)",
)
_MEMBERS = _Tree(
    "members_bbox",
    "m",
    f"DISTINCT m / {MAX_MEMBERS}",
    "EXISTS (SELECT 1 FROM members x WHERE x.m = members_bbox.m "
    "AND x.lon BETWEEN ? AND ? AND x.lat BETWEEN ? AND ?)",
)
_CODE = ["lo >= ?", "hi <= ?"]
#: Up to this many codes, the tree is walked once per code; beyond, once in all.
_FEW_CODES = 2


def _tree(
    db: sqlite3.Connection,
    tree: _Tree,
    boxes: Sequence[Box],
    codes: Sequence[int],
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> tuple[str, list]:
    """The query for the points of ``tree`` with one of ``codes`` in one of ``boxes``."""
    every = len(codes) > _FEW_CODES and _every_code(db, codes)
    found = []
    for box in boxes:
        terms, args = _terms(box, days, undated)
        # An entry wholly inside the box is a point inside it; one that straddles an edge
        # (its bounds rounded outwards) is tested on its exact position.
        west, south, east, north = box
        terms.append(f"((west >= ? AND east <= ? AND south >= ? AND north <= ?) OR {tree.exact})")
        args += [west, east, south, north, west, east, south, north]
        if len(codes) <= _FEW_CODES:
            # The tree itself keeps to the codes (it skips the branches of other codes).
            where = " AND ".join([*terms, *_CODE])
            each = [
                (f"SELECT {tree.yields} FROM {tree.table} WHERE {where}", [*args, code, code])
                for code in codes
            ]
            found.append(_union(each, distinct=False))  # one code a feature: no repeats
        else:
            # Many codes: one walk of the tree within their shape class, each entry's code
            # tested (unless they are all the class has).
            where = " AND ".join([*terms, *_CODE])
            more: list = [*args, *_class_range(codes)]
            if not every:
                where += f" AND lo IN ({','.join('?' * len(codes))})"
                more += codes
            found.append((f"SELECT {tree.yields} FROM {tree.table} WHERE {where}", more))
    return _union(found, distinct=len(boxes) > 1)


def _class_range(codes: Sequence[int]) -> tuple[int, int]:
    """The range of codes of the shape class of ``codes`` (all of one class)."""
    first = codes[0] // CODE_SPAN * CODE_SPAN
    return first, first + CODE_SPAN - 1


def _union(queries: list[tuple[str, list]], distinct: bool) -> tuple[str, list]:
    glue = " UNION " if distinct else " UNION ALL "
    return glue.join(q for q, _ in queries), [a for _, args in queries for a in args]


def codes(
    db: sqlite3.Connection, layers: Iterable[str] | None, overlays: Iterable[str] | None
) -> dict[int, list[int]]:
    """Return the R*Tree codes of the chosen layers and overlays (None: all), by shape class."""
    sql, args = "SELECT shape, code FROM codes WHERE 1", []
    for column, chosen in (("layer", layers), ("overlay", overlays)):
        if chosen is not None:
            values = list(chosen)
            sql += f" AND {column} IN ({','.join('?' * len(values))})"
            args += values
    out: dict[int, list[int]] = {}
    for shape_class, code in db.execute(sql + " ORDER BY code", args):
        out.setdefault(int(shape_class), []).append(int(code))
    return out


def _every_code(db: sqlite3.Connection, codes: Sequence[int]) -> bool:
    """True if ``codes`` are all the codes of their shape class (the class range is enough)."""
    first, last = _class_range(codes)
    found = db.execute("SELECT count(*) FROM codes WHERE code BETWEEN ? AND ?", (first, last))
    return int(found.fetchone()[0]) == len(codes)


def matches(
    db: sqlite3.Connection,
    boxes: Sequence[Box],
    layers: Iterable[str] | None,
    overlays: Iterable[str] | None,
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> tuple[str, list]:
    """Return ``(sql, args)``: a query yielding, once each, the ``n`` of every feature of
    ``layers`` and ``overlays`` (None: all) in the time window ``days`` (as
    ``queries.Filter`` has it) whose geometry meets one of ``boxes`` (west, south, east,
    north)."""
    chosen = codes(db, layers, overlays)
    queries: list[tuple[str, list]] = []
    if chosen.get(SHAPE_POINT):
        queries.append(_tree(db, _POINTS, boxes, chosen[SHAPE_POINT], days, undated))
    if chosen.get(SHAPE_MEMBERS):
        queries.append(_tree(db, _MEMBERS, boxes, chosen[SHAPE_MEMBERS], days, undated))
    shapes = _shape_matches(db, boxes, chosen.get(SHAPE_OTHER, []), days, undated)
    if shapes:
        queries.append((" UNION ALL ".join(["SELECT ?"] * len(shapes)), shapes))
    if not queries:
        return "SELECT NULL WHERE 0", []
    return _union(queries, distinct=False)


def row_test(
    db: sqlite3.Connection,
    boxes: Sequence[Box],
    layers: Iterable[str] | None,
    overlays: Iterable[str] | None,
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> tuple[str, list]:
    """Return ``(sql, args)``: a condition on one row of ``features`` (as ``f``) that holds
    when its geometry meets one of ``boxes``, tested on its exact values: for reading the
    rows in the order of an index and keeping those that match (``matches`` finds them all
    at once instead). Layers, overlays and days are left to the caller, except that the lines
    and areas tested here are those of ``layers`` and ``overlays`` in ``days``."""
    a = "f"
    point = " OR ".join(
        f"({a}.bw <= ? AND {a}.be >= ? AND {a}.bs <= ? AND {a}.bn >= ?)" for _ in boxes
    )
    member = " OR ".join("(m.lon BETWEEN ? AND ? AND m.lat BETWEEN ? AND ?)" for _ in boxes)
    args: list = [v for w, s, e, n in boxes for v in (e, w, n, s)]
    args += [v for w, s, e, n in boxes for v in (w, e, s, n)]
    sql = (
        f"(({a}.bw = {a}.be AND {a}.bs = {a}.bn AND ({point})) "
        # Only a feature of several positions (its bounds not one point) has members.
        f"OR (({a}.bw < {a}.be OR {a}.bs < {a}.bn) AND EXISTS (SELECT 1 FROM members m "
        f"WHERE m.m BETWEEN {a}.n * {MAX_MEMBERS} AND {a}.n * {MAX_MEMBERS} + {MAX_MEMBERS - 1} "
        f"AND ({member})))"
    )
    shapes = _shape_matches(
        db, boxes, codes(db, layers, overlays).get(SHAPE_OTHER, []), days, undated
    )
    if shapes:
        sql += f" OR {a}.n IN ({','.join('?' * len(shapes))})"
        args += shapes
    return sql + ")", args


def _shape_matches(
    db: sqlite3.Connection,
    boxes: Sequence[Box],
    codes: Sequence[int],
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> list[int]:
    """Return the ``n`` of the lines and areas (with one of ``codes``) whose shape meets a
    box."""
    candidates: set[int] = set()
    for code in codes:
        for box in boxes:
            terms, args = _terms(box, days, undated)
            sql = f"SELECT n FROM features_bbox WHERE {' AND '.join([*terms, *_CODE])}"
            candidates.update(n for (n,) in db.execute(sql, [*args, code, code]))
    if not candidates:
        return []
    # shapely (and numpy) are imported only when a line or an area is to be tested: a short
    # command such as one ingest does not pay for them.
    import shapely
    from shapely.errors import ShapelyError
    from shapely.geometry import shape

    areas = [shapely.box(*box) for box in boxes]
    found = []
    for n in sorted(candidates):
        row = db.execute("SELECT body FROM features WHERE n = ?", (n,)).fetchone()
        geometry = orjson.loads(row[0]).get("geometry") if row else None
        if not geometry:
            continue
        try:
            geom = shape(geometry)
            if any(area.intersects(geom) for area in areas):
                found.append(n)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, ShapelyError):
            continue
    return found
