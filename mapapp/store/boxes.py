"""Which features meet a box, exactly, found in the index's R*Trees.

The R*Trees keep 32-bit bounds rounded outwards, a day span, and a code for the feature's layer
and shape class (``rows.shape_code``). A box query of one layer is then answered by the trees,
at a fraction of a microsecond a match, without reading the features:

- a **point** (a feature whose bounds are one point) matches when its tree entry meets the box,
  except where the rounding decides: the few entries within ``EDGE`` of an edge of the box are
  tested against their exact position;
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
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape

from mapapp.core.model import LAYER_IDS
from mapapp.store.index import UNDATED
from mapapp.store.rows import MAX_MEMBERS, SHAPE_MEMBERS, SHAPE_OTHER, SHAPE_POINT, shape_code

__all__ = ["EDGE", "matches"]

Box = tuple[float, float, float, float]

#: Wider than the R*Tree's rounding of a coordinate (a 32-bit float: at most 2**-16 degree
#: near 180), so that every entry the rounding could put on the wrong side of an edge is
#: within this distance of it.
EDGE = 1e-4


def _terms(
    box: Box, code: int, days: tuple[int | None, int | None] | None, undated: bool
) -> tuple[list[str], list]:
    """The R*Tree constraints of one box, one layer and shape code, and the time window."""
    west, south, east, north = box
    terms = ["west <= ?", "east >= ?", "south <= ?", "north >= ?", "lo >= ?", "hi <= ?"]
    args: list = [east, west, north, south, code, code]
    if days is not None:
        first, last = days
        terms += ["first <= ?", "last >= ?"]
        args += [UNDATED[1] if last is None else last, UNDATED[0] if first is None else first]
        if not undated:
            # An undated feature spans the whole time axis.
            terms.append("first > ?")
            args.append(UNDATED[0])
    return terms, args


def _near_edges(box: Box) -> list[tuple[str, float]]:
    """Constraints, one per edge, for the entries whose rounded position lies within
    ``EDGE`` of that edge of ``box`` (only they can be on the wrong side of it)."""
    west, south, east, north = box
    return [
        ("east < ?", west + EDGE),
        ("west > ?", east - EDGE),
        ("north < ?", south + EDGE),
        ("south > ?", north - EDGE),
    ]


def _inside(lon: float, lat: float, boxes: Sequence[Box]) -> bool:
    return any(w <= lon <= e and s <= lat <= n for w, s, e, n in boxes)


def _edge_misses(
    db: sqlite3.Connection,
    tree: _Tree,
    boxes: Sequence[Box],
    code: int,
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> list[int]:
    """Return the keys of the entries of ``tree`` that meet a box only by rounding: near an
    edge, with an exact position in no box."""
    near: set[int] = set()
    for box in boxes:
        terms, args = _terms(box, code, days, undated)
        for term, value in _near_edges(box):
            sql = f"SELECT {tree.key} FROM {tree.table} WHERE {' AND '.join([*terms, term])}"
            near.update(k for (k,) in db.execute(sql, [*args, value]))
    misses = []
    for k in near:
        row = db.execute(tree.exact, (k,)).fetchone()
        if row is None or not _inside(row[0], row[1], boxes):
            misses.append(k)
    return misses


@dataclass(frozen=True)
class _Tree:
    """An R*Tree of points: its key, what a match yields, and where the exact position is."""

    table: str
    key: str
    yields: str
    exact: str


_POINTS = _Tree("features_bbox", "n", "n", "SELECT bw, bs FROM features WHERE n = ?")
_MEMBERS = _Tree(
    "members_bbox", "m", f"DISTINCT m / {MAX_MEMBERS}", "SELECT lon, lat FROM members WHERE m = ?"
)


def _tree(
    db: sqlite3.Connection,
    tree: _Tree,
    boxes: Sequence[Box],
    code: int,
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> tuple[str, list]:
    """The query for the points of ``tree`` (of one layer and shape code) in ``boxes``."""
    wrong = _edge_misses(db, tree, boxes, code, days, undated)
    found = []
    for box in boxes:
        terms, args = _terms(box, code, days, undated)
        if wrong:
            terms.append(f"{tree.key} NOT IN ({','.join('?' * len(wrong))})")
            args += wrong
        found.append((f"SELECT {tree.yields} FROM {tree.table} WHERE {' AND '.join(terms)}", args))
    return _union(found, distinct=len(boxes) > 1)


def _union(queries: list[tuple[str, list]], distinct: bool) -> tuple[str, list]:
    glue = " UNION " if distinct else " UNION ALL "
    return glue.join(q for q, _ in queries), [a for _, args in queries for a in args]


def _codes(layers: Iterable[str] | None, shape_class: int) -> list[int]:
    chosen = list(layers) if layers is not None else [*LAYER_IDS, ""]
    return sorted({shape_code(layer, shape_class) for layer in chosen})


def matches(
    db: sqlite3.Connection,
    boxes: Sequence[Box],
    layers: Iterable[str] | None,
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> tuple[str, list]:
    """Return ``(sql, args)``: a query yielding, once each, the ``n`` of every feature of
    ``layers`` (None: all) in the time window ``days`` (as ``queries.Filter`` has it) whose
    geometry meets one of ``boxes`` (west, south, east, north)."""
    layers = tuple(layers) if layers is not None else None
    queries: list[tuple[str, list]] = []
    for code in _codes(layers, SHAPE_POINT):
        queries.append(_tree(db, _POINTS, boxes, code, days, undated))
    for code in _codes(layers, SHAPE_MEMBERS):
        queries.append(_tree(db, _MEMBERS, boxes, code, days, undated))
    shapes = _shape_matches(db, boxes, _codes(layers, SHAPE_OTHER), days, undated)
    if shapes:
        queries.append((" UNION ALL ".join(["SELECT ?"] * len(shapes)), shapes))
    if not queries:
        return "SELECT NULL WHERE 0", []
    return _union(queries, distinct=False)


def _shape_matches(
    db: sqlite3.Connection,
    boxes: Sequence[Box],
    codes: list[int],
    days: tuple[int | None, int | None] | None,
    undated: bool,
) -> list[int]:
    """Return the ``n`` of the lines and areas whose shape meets a box."""
    candidates: set[int] = set()
    for code in codes:
        for box in boxes:
            terms, args = _terms(box, code, days, undated)
            sql = f"SELECT n FROM features_bbox WHERE {' AND '.join(terms)}"
            candidates.update(n for (n,) in db.execute(sql, args))
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
