"""Read the index: filtered pages, counts, map tiles with clusters, search and whole layers.

Every function here does work bounded by what it returns (plus the index lookups that find
it), never by the size of the archive, except ``iter_layer``, which streams a whole layer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson

from mapapp.core.model import LAYER_IDS
from mapapp.core.text import css_token, fold
from mapapp.store import boxes
from mapapp.store.rows import CELL_ZOOMS, QK_ZOOM, tile_bounds, tile_range

__all__ = [
    "Filter",
    "Tile",
    "count",
    "count_upto",
    "select",
    "tile",
    "iter_layer",
    "feature",
    "place_sources",
    "fts_query",
    "bounds",
    "day_range",
]

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Filter:
    """What narrows a query. Every field is optional; all given ones must hold.

    ``overlays`` (layer ids, and ``events-<type>`` for events) or ``layers``; ``boxes``: the
    feature's bounds meet one of them (west, south, east, north); ``days``: its day span
    (ordinals) overlaps ``(first, last)``, either end open (None) - an undated feature matches
    only when ``undated`` is true; ``event_type`` applies to events only; ``article`` and
    ``sentence`` to the sources; ``kind``; ``text``: a search (names, actors, quotes).
    """

    layers: tuple[str, ...] | None = None
    overlays: tuple[str, ...] | None = None
    boxes: tuple[Box, ...] | None = None
    days: tuple[int | None, int | None] | None = None
    undated: bool = True
    event_type: str | None = None
    kind: str | None = None
    article: str | None = None
    sentence: tuple[str, int] | None = None
    text: str | None = None
    ids: tuple[str, ...] | None = field(default=None)
    #: Exact equality on ``kind`` or ``event_type`` (a feature without the column never matches).
    equals: tuple[tuple[str, str], ...] = ()
    #: Feature ids left out.
    exclude: tuple[str, ...] | None = None
    #: A further SQL condition on the row (``{f}`` standing for its alias) and its arguments:
    #: a CQL2 filter, translated by ``mapapp.query.cqlfilter``.
    where: tuple[str, tuple] | None = None
    #: Only features of these geometry families (``point``, ``line``, ``area``; None: those
    #: without geometry).
    families: tuple[str | None, ...] | None = None
    #: With ``boxes``: a feature without geometry matches them too (as an OGC ``bbox`` does,
    #: /req/core/fc-bbox-response C).
    nowhere: bool = False


def _fts_words(text: str) -> str | None:
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words[:12]]
    quoted[-1] += "*"
    return " ".join(quoted)


def fts_query(text: str) -> str | None:
    """Return an FTS5 query for a search box's text: every folded word, the last as a prefix;
    a word written with hyphens is also looked for joined up ("Mát-xcơ-va" finds "Mátxcơva",
    indexed as one word; names written with hyphens are indexed both ways).

    Quoting each word keeps FTS5 syntax in the text from being read as operators.
    """
    folded = fold(text)
    split = _fts_words(folded)
    if split is None or "-" not in folded:
        return split
    joined = _fts_words(folded.replace("-", ""))
    return split if joined in (None, split) else f"({split}) OR ({joined})"


def _where(
    db: sqlite3.Connection, flt: Filter, alias: str = "f", rows: bool = False
) -> tuple[str, list]:
    """Return the SQL condition of ``flt`` on ``features`` (as ``alias``) and its arguments.

    With boxes, the R*Trees find the matches of the layers, overlays and time window too (see
    ``boxes.matches``), and the query is driven from them; ``rows`` instead tests each row
    read on its own (for reading rows in an index's order, see ``_box_plan``).
    """
    clauses: list[str] = []
    args: list = []
    tree = flt.boxes is not None and not rows
    # Driven from the trees, a unary + keeps SQLite from reading the overlay index instead,
    # which spans the archive.
    col = f"+{alias}" if tree else alias
    if flt.boxes is not None:
        sql, found = _in_trees(db, flt, boxes.row_test if rows else boxes.matches)
        if flt.nowhere and rows:
            sql = f"({sql} OR {alias}.bw IS NULL)"
        elif flt.nowhere:
            # The features without geometry that meet the rest of the filter, found through
            # the (overlay, tile key) index: few beside those the trees find.
            placeless = dataclasses.replace(
                flt, boxes=None, nowhere=False, overlays=_tile_overlays(db, flt)
            )
            where, more = _where(db, placeless, "x")
            sql += f" UNION ALL SELECT x.n FROM features x INDEXED BY features_tile WHERE {where} "
            sql += "AND x.qk IS NULL AND x.bw IS NULL"
            found = [*found, *more]
        clauses.append(sql if rows else f"{alias}.n IN ({sql})")
        args.extend(found)
    if flt.layers is not None and not tree:
        clauses.append(f"{col}.layer IN ({','.join('?' * len(flt.layers))})")
        args.extend(flt.layers)
    if flt.overlays is not None and not tree:
        clauses.append(f"{col}.overlay IN ({','.join('?' * len(flt.overlays))})")
        args.extend(flt.overlays)
    if flt.ids is not None:
        clauses.append(f"{alias}.id IN ({','.join('?' * len(flt.ids))})")
        args.extend(flt.ids)
    if flt.days is not None and not tree:
        first, last = flt.days
        dated = []
        if last is not None:
            dated.append(f"{col}.day_start <= ?")
            args.append(last)
        if first is not None:
            dated.append(f"{col}.day_end >= ?")
            args.append(first)
        test = " AND ".join(dated) or f"{alias}.day_start IS NOT NULL"
        if flt.undated:
            clauses.append(f"({alias}.day_start IS NULL OR ({test}))")
        else:
            clauses.append(f"({alias}.day_start IS NOT NULL AND {test})")
    if flt.event_type is not None:
        clauses.append(f"({alias}.layer != 'events' OR {alias}.event_type = ?)")
        args.append(flt.event_type)
    for column, value in flt.equals:
        if column not in ("kind", "event_type"):
            raise ValueError(f"cannot filter on {column!r}")
        clauses.append(f"{alias}.{column} = ?")
        args.append(value)
    if flt.exclude:
        clauses.append(f"{alias}.id NOT IN ({','.join('?' * len(flt.exclude))})")
        args.extend(flt.exclude)
    if flt.kind is not None:
        clauses.append(f"{alias}.kind = ?")
        args.append(flt.kind)
    if flt.sentence is not None:
        clauses.append(f"{alias}.n IN (SELECT n FROM cites WHERE article_id = ? AND sentence = ?)")
        args.extend(flt.sentence)
    elif flt.article is not None:
        clauses.append(f"{alias}.n IN (SELECT n FROM cites WHERE article_id = ?)")
        args.append(flt.article)
    if flt.families is not None:
        named = [f for f in flt.families if f is not None]
        tests = [f"{alias}.family IN ({','.join('?' * len(named))})"] if named else []
        if None in flt.families:
            tests.append(f"{alias}.family IS NULL")
        clauses.append(f"({' OR '.join(tests) or '0'})")
        args.extend(named)
    if flt.where is not None:
        clauses.append(f"({flt.where[0].replace('{f}', alias)})")
        args.extend(flt.where[1])
    if flt.text is not None:
        match = fts_query(flt.text)
        if match is None:
            clauses.append("0")
        else:
            clauses.append(
                f"{alias}.n IN (SELECT rowid FROM features_text WHERE features_text MATCH ?)"
            )
            args.append(match)
    return (" AND ".join(clauses) or "1"), args


def search_articles(db: sqlite3.Connection, text: str, limit: int) -> list[tuple[str, str, str]]:
    """Return ``(id, title, published)`` of the articles whose titles best match ``text``."""
    match = fts_query(text)
    if match is None:
        return []
    rows = db.execute(
        "SELECT a.id, a.title, a.published FROM articles_text t "
        "JOIN articles a ON a.rowid = t.rowid WHERE articles_text MATCH ? "
        "ORDER BY t.rank LIMIT ?",
        (match, limit),
    )
    return [(str(r[0]), str(r[1]), str(r[2] or "")) for r in rows]


def count(db: sqlite3.Connection, flt: Filter) -> int:
    """Return how many features match (a filter by overlay or type alone is answered from the
    running counts, without reading the features)."""
    found = _count(db, flt, None)
    assert found is not None  # no cap: always a number
    return found


def count_upto(db: sqlite3.Connection, flt: Filter, cap: int) -> int | None:
    """Return how many features match if at most ``cap``, else None: matches counted one by one
    are counted only up to ``cap`` (the running counts are exact at any size)."""
    return _count(db, flt, cap)


def _capped(db: sqlite3.Connection, sql: str, args: list, cap: int | None) -> int:
    """Count the rows of ``sql``, at most ``cap + 1`` of them if ``cap`` is given."""
    if cap is None:
        return int(db.execute(f"SELECT count(*) FROM ({sql})", args).fetchone()[0])
    bounded = f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) LIMIT ?)"
    return int(db.execute(bounded, [*args, cap + 1]).fetchone()[0])


def _count(db: sqlite3.Connection, flt: Filter, cap: int | None) -> int | None:
    if _counted(flt) and flt.ids is None:
        chosen = _tile_overlays(db, flt)
        if flt.event_type is None or not any(o.startswith("events-") for o in chosen):
            return _overlays_total(db, chosen)
    anywhere = dataclasses.replace(flt, boxes=(_WORLD,))
    if flt.boxes is None and _tree_only(anywhere) and flt.overlays is None and flt.days is None:
        # Layers alone: the running counts.
        layers = flt.layers or LAYER_IDS
        marks = ",".join("?" * len(layers))
        row = db.execute(f"SELECT sum(n) FROM counts WHERE layer IN ({marks})", layers)
        return int(row.fetchone()[0] or 0)
    if _tree_only(flt) or (flt.boxes is None and _tree_only(anywhere)):
        # Boxes, layers, overlays and a time window: counted in the R*Trees, no feature is
        # read; without a box, the world's, and the features without a geometry (never in
        # the trees) counted apart through the (overlay, tile key) index.
        sql, args = _in_trees(db, flt)
        found = _capped(db, sql, args, cap)
        if (flt.boxes is None or flt.nowhere) and (cap is None or found <= cap):
            narrowed = dataclasses.replace(
                flt, boxes=None, nowhere=False, overlays=_tile_overlays(db, flt)
            )
            where, args = _where(db, narrowed)
            nowhere = (
                f"SELECT 1 FROM features f INDEXED BY features_tile WHERE {where} "
                "AND f.qk IS NULL AND f.bw IS NULL"
            )
            found += _capped(db, nowhere, args, None if cap is None else cap - found)
    else:
        where, args = _where(db, flt)
        found = _capped(db, f"SELECT 1 FROM features f WHERE {where}", args, cap)
    return None if cap is not None and found > cap else found


def _in_trees(db: sqlite3.Connection, flt: Filter, how=boxes.matches) -> tuple[str, list]:
    """``boxes.matches`` (or ``boxes.row_test``) of ``flt``'s boxes (without any: the world),
    layers, overlays (its event type applied) and time window."""
    area = flt.boxes if flt.boxes is not None else (_WORLD,)
    return how(db, area, flt.layers, _tree_overlays(db, flt), flt.days, flt.undated)


def _tree_overlays(db: sqlite3.Connection, flt: Filter) -> tuple[str, ...] | None:
    """The overlays a box query reads from the R*Trees (None: all), the event type applied."""
    if flt.event_type is None:
        return flt.overlays
    return _tile_overlays(db, flt)


def _tree_only(flt: Filter) -> bool:
    """True if the R*Trees alone answer ``flt``: boxes, and layers, overlays and a time
    window, nothing else."""
    return (
        flt.boxes is not None
        and flt.event_type is None
        and flt.ids is None
        and flt.kind is None
        and flt.article is None
        and flt.sentence is None
        and flt.text is None
        and not flt.equals
        and not flt.exclude
        and flt.where is None
        and flt.families is None
    )


_WORLD: Box = (-180.0, -90.0, 180.0, 90.0)
#: The most lines and areas a map tile (or square) holds.
MAX_SHAPES = 200

#: Reading a feature's row (to sort it) costs about this many index entries scanned in order.
_ROW_COST = 10


def _plan(
    db: sqlite3.Connection, flt: Filter, order: str, limit: int, offset: int
) -> tuple[str, str, list]:
    """How a page is read in ``order``: ``(index hint, clause, args)``.

    When the matches are many, by walking the index that has the order until the page is
    full, testing each entry: that reads about ``(offset + limit) * size / matches`` entries
    of an index of ``size``. Otherwise a box query is read from the matches the R*Trees find,
    each row read and all of them sorted (``NOT INDEXED``: rows by their keys), and any other
    query as SQLite plans it (``""``). The matches are counted only as far as the choice needs,
    and only where that is cheap: in the R*Trees (filters by box, layer, overlay and time).
    """
    boxed = flt.boxes is not None
    fallback: tuple[str, str, list] = ("NOT INDEXED" if boxed else "", "", [])
    if order == "layer" and flt.layers is not None and len(flt.layers) == 1:
        if flt.days is not None and flt.layers[0] == "events":
            # Events are in date order there: a time window's matches are together, not
            # spread over the order, and a walk would read every event before them.
            return fallback
        index, clause, args = "features_order", " AND f.layer = ?", [flt.layers[0]]
        row = db.execute("SELECT sum(n) FROM counts WHERE layer = ?", flt.layers).fetchone()
    elif order == "date":
        index, clause, args = "features_date", "", []
        row = db.execute("SELECT sum(n) FROM counts").fetchone()
    else:
        return fallback
    size = int(row[0] or 0)
    enough = math.isqrt((offset + limit) * size // _ROW_COST)
    # The R*Trees count the matches (a query without a box: those anywhere, an estimate that
    # leaves out the features that have no geometry).
    if not _tree_only(
        dataclasses.replace(flt, boxes=flt.boxes if flt.boxes is not None else (_WORLD,))
    ):
        return fallback
    sql, found = _in_trees(db, flt)
    counted = f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) LIMIT ?)"
    matched = int(db.execute(counted, [*found, enough + 1]).fetchone()[0])
    if matched > enough:
        return f"INDEXED BY {index}", clause, args
    return fallback


_LAYER_RANK = "CASE f.layer {} ELSE {} END".format(
    " ".join(f"WHEN '{lid}' THEN {rank}" for rank, lid in enumerate(LAYER_IDS)), len(LAYER_IDS)
)
_ORDERS = {
    "layer": f"{_LAYER_RANK}, f.sort",
    # Newest first, undated last (SQLite sorts NULL lowest), in the order of an index.
    "date": "f.day_start DESC, f.id DESC",
    "-date": "f.day_start IS NULL, f.day_end DESC, f.id",
    "+date": "f.day_start IS NULL, f.day_start, f.id",
    "name": "f.name COLLATE NOCASE, f.id",
    "id": "f.id",
    "-id": "f.id DESC",
}


def select(
    db: sqlite3.Connection,
    flt: Filter,
    limit: int,
    offset: int = 0,
    order: str = "layer",
    max_sources: int | None = None,
) -> list:
    """Return a page of matching features, whole (places with their sources, at most
    ``max_sources`` of them if given), in ``order`` (a key of ``_ORDERS``; ``rank`` ranks a
    text search best first).
    """
    rows = _page(db, flt, limit, offset, order)
    return [_whole(db, row, max_sources) for row in rows]


def _page(db: sqlite3.Connection, flt: Filter, limit: int, offset: int, order: str) -> list:
    """The rows (n, layer, name_vi, n_named, body) of ``select``'s page."""
    if order == "layer" and _walks_window(flt):
        walked = _window_walk(db, flt, limit, offset)
        if walked is not None:
            return walked
    if order == "layer" and flt.undated and _walks_window(dataclasses.replace(flt, undated=False)):
        walked = _undated_then_walk(db, flt, limit, offset)
        if walked is not None:
            return walked
    hint, clause, more = "", "", list[object]()
    if order != "rank":
        hint, clause, more = _plan(db, flt, order, limit, offset)
    where, args = _where(db, flt, rows=hint.startswith("INDEXED"))
    where, args = where + clause, [*args, *more]
    if order == "rank" and flt.text and fts_query(flt.text):
        sql = (
            "SELECT f.n, f.layer, f.name_vi, f.n_named, f.body FROM features f "
            "JOIN (SELECT rowid, bm25(features_text, 4.0, 1.0) AS score FROM features_text "
            "WHERE features_text MATCH ?) t ON t.rowid = f.n "
            f"WHERE {where} ORDER BY t.score, f.id LIMIT ? OFFSET ?"
        )
        return db.execute(sql, [fts_query(flt.text), *args, limit, offset]).fetchall()
    by = _ORDERS.get(order, _ORDERS["layer"])
    if order == "layer" and flt.layers is not None and len(flt.layers) == 1:
        by = "f.sort"  # one layer: the index on (layer, sort) gives the order
    if hint == "INDEXED BY features_date" and flt.days is not None and flt.undated:
        return _dated_then_undated(db, flt, limit, offset)
    sql = (
        f"SELECT f.n, f.layer, f.name_vi, f.n_named, f.body FROM features f {hint} "
        f"WHERE {where} ORDER BY {by} LIMIT ? OFFSET ?"
    )
    return db.execute(sql, [*args, limit, offset]).fetchall()


#: A time window's walk in date order reads at most this many events a feature it returns
#: (skipped or on the page) before it gives up for sorting the matches; a page that could
#: need more than ``_WALK_MAX`` reads is not walked (about the cost of sorting 4,000 matches).
_WALK_READS = 20
_WALK_MAX = 4000


def _walks_window(flt: Filter) -> bool:
    """True if a page of events in date order for ``flt``'s time window may be walked."""
    if flt.layers != ("events",) or flt.days is None or flt.undated:
        return False
    first, last = flt.days
    return first is not None and last is not None and first <= last


def _window_walk(db: sqlite3.Connection, flt: Filter, limit: int, offset: int) -> list | None:
    """A page of events in their order (date, then id) for a time window, read without
    sorting its matches; None if that would read too many events (the matches are few).

    An event's sort key begins with its date (YYYY, YYYY-MM or YYYY-MM-DD), so the order of
    the (layer, sort) index is its first day's. The window's matches are those that begin
    before it and last into it (a time window of their own, found as any other), then those
    that begin in it: the index read from the window's first month, each event tested, until
    the page is full or too many events are read (``_WALK_READS``, ``_WALK_MAX``).
    """
    window = flt.days or (None, None)
    first, last = window[0] or 0, window[1] or 0  # both given (_walks_window)
    start, end = dt.date.fromordinal(first), dt.date.fromordinal(last)
    # Begins on or before the day before the window and ends on or after its first day.
    before = dataclasses.replace(flt, days=(first, first - 1))
    earlier = count(db, before)
    rows = _page(db, before, limit, offset, "layer") if offset < earlier else []
    need, skip = limit - len(rows), max(0, offset - earlier)
    if need <= 0:
        return rows
    reads = _WALK_READS * (skip + need)
    if reads > _WALK_MAX:
        return None  # a page deep in the window: sorting the matches costs less
    low, high = f"{start.year:04d}-{start.month:02d}", f"{end.isoformat()}\uffff"
    # The walk ends at the window's end, or after ``reads`` events (the index alone tells).
    cut = db.execute(
        "SELECT sort FROM features INDEXED BY features_order "
        "WHERE layer = 'events' AND sort >= ? AND sort < ? ORDER BY sort LIMIT 1 OFFSET ?",
        [low, high, reads],
    ).fetchone()
    where, args = _where(db, flt, rows=True)
    walked = db.execute(
        "SELECT f.n, f.layer, f.name_vi, f.n_named, f.body FROM features f "
        "INDEXED BY features_order WHERE f.layer = 'events' AND f.sort >= ? AND f.sort "
        f"{'<= ?' if cut else '< ?'} AND {where} AND f.day_start >= ? "
        "ORDER BY f.sort LIMIT ? OFFSET ?",
        [low, cut[0] if cut else high, *args, first, need, skip],
    ).fetchall()
    if len(walked) < need and cut:
        return None  # the reads ran out before the page was full: the matches are few
    return rows + walked


def _undated_then_walk(db: sqlite3.Connection, flt: Filter, limit: int, offset: int) -> list | None:
    """A page of events in their order for a time window that also matches the undated ones
    (as an OGC ``datetime`` does): those first, as they sort, then the window's walk."""
    where, args = _where(db, dataclasses.replace(flt, days=None), rows=True)
    head = (
        "FROM features f INDEXED BY features_time "
        f"WHERE f.layer = 'events' AND f.day_start IS NULL AND {where}"
    )
    columns = "f.n, f.layer, f.name_vi, f.n_named, f.body"
    rows = db.execute(
        f"SELECT {columns} {head} ORDER BY f.sort LIMIT ? OFFSET ?", [*args, limit, offset]
    ).fetchall()
    if len(rows) == limit:
        return rows
    undated = int(db.execute(f"SELECT count(*) {head}", args).fetchone()[0])
    dated = dataclasses.replace(flt, undated=False)
    walked = _window_walk(db, dated, limit - len(rows), max(0, offset - undated))
    return None if walked is None else rows + walked


def _dated_then_undated(db: sqlite3.Connection, flt: Filter, limit: int, offset: int) -> list:
    """A page, newest first, of a time window that also shows the undated features (last,
    as SQLite sorts NULL): the dated ones by walking the date index from the window's end,
    then, if the page has room, the undated ones."""
    dated = dataclasses.replace(flt, undated=False)
    where, args = _where(db, dated, rows=flt.boxes is not None)
    head = "SELECT f.n, f.layer, f.name_vi, f.n_named, f.body FROM features f"
    sql = (
        f"{head} INDEXED BY features_date WHERE {where} ORDER BY {_ORDERS['date']} LIMIT ? OFFSET ?"
    )
    rows = db.execute(sql, [*args, limit, offset]).fetchall()
    if len(rows) == limit:
        return rows
    skip = max(0, offset - count(db, dated))
    where, args = _where(db, dataclasses.replace(flt, days=None), rows=flt.boxes is not None)
    sql = f"{head} WHERE {where} AND f.day_start IS NULL ORDER BY f.id DESC LIMIT ? OFFSET ?"
    return rows + db.execute(sql, [*args, limit - len(rows), skip]).fetchall()


def _whole(db: sqlite3.Connection, row: tuple, max_sources: int | None) -> dict:
    n, layer, name_vi, n_named, body = row
    feature = orjson.loads(body)
    if layer == "places":
        props = feature.setdefault("properties", {})
        props["name_vi"] = name_vi
        props["mention"] = "named" if n_named else "implied"
        sources, total = place_sources(db, feature["id"], bool(n_named), max_sources)
        props["sources"] = sources
        if total > len(sources):
            props["sources_total"] = total
    return feature


def place_sources(
    db: sqlite3.Connection, place: str, named: bool, limit: int | None = None
) -> tuple[list[dict], int]:
    """Return a place's sources (from the articles that name it, else those that imply it),
    oldest article first, at most ``limit`` of them; and how many there are in all."""
    flag = 1 if named else 0
    rows = db.execute(
        "SELECT sources, n_sources FROM mentions WHERE place = ? AND named = ? ORDER BY part",
        (place, flag),
    )
    sources: list[dict] = []
    total = 0
    for text, n in rows:
        total += n
        if limit is None or len(sources) < limit:
            sources.extend(orjson.loads(text))
    if limit is not None:
        sources = sources[:limit]
    return sources, total


def feature(db: sqlite3.Connection, fid: str, max_sources: int | None = None) -> dict | None:
    """Return one feature by id, whole (None if there is none)."""
    row = db.execute(
        "SELECT n, layer, name_vi, n_named, body FROM features WHERE id = ?", (fid,)
    ).fetchone()
    return None if row is None else _whole(db, row, max_sources)


def iter_layer(db: sqlite3.Connection, layer_id: str, batch: int = 500) -> Iterator[dict]:
    """Yield every feature of a layer in layer order, reading ``batch`` rows at a time."""
    last = ""
    while True:
        rows = db.execute(
            "SELECT n, layer, name_vi, n_named, body, sort FROM features "
            "WHERE layer = ? AND sort > ? ORDER BY sort LIMIT ?",
            (layer_id, last, batch),
        ).fetchall()
        for row in rows:
            yield _whole(db, row[:5], None)
        if len(rows) < batch:
            return
        last = rows[-1][5]


def bounds(db: sqlite3.Connection, flt: Filter) -> Box | None:
    """Return the bounds of the matching features (None if none match)."""
    where, args = _where(db, flt)
    row = db.execute(
        f"SELECT min(f.bw), min(f.bs), max(f.be), max(f.bn) FROM features f WHERE {where}",
        args,
    ).fetchone()
    return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])


def day_range(
    db: sqlite3.Connection, layer_id: str, families: tuple[str | None, ...] | None = None
) -> tuple[int, int] | None:
    """Return the first and last day of a layer's dated features (None if none is dated),
    of those geometry ``families`` only if given."""
    where, args = _where(db, Filter(layers=(layer_id,), families=families))
    row = db.execute(
        f"SELECT min(f.day_start), max(f.day_end) FROM features f WHERE {where}", args
    ).fetchone()
    return None if row is None or row[0] is None else (int(row[0]), int(row[1]))


@dataclass
class Tile:
    """What one map tile shows: features when few, else counted clusters (and features that
    are not points, which are never clustered)."""

    features: list[dict]
    clusters: list[dict]
    total: int


def overlays(db: sqlite3.Connection) -> dict[str, int]:
    """Return every overlay that has features, with how many."""
    return {o: int(n) for o, n in db.execute("SELECT overlay, n FROM counts WHERE n > 0")}


def layer_counts(db: sqlite3.Connection) -> dict[str, int]:
    """Return how many features each layer has (from the running counts: no scan)."""
    rows = db.execute("SELECT layer, sum(n) FROM counts GROUP BY layer")
    return {layer: int(n) for layer, n in rows}


def _tile_overlays(db: sqlite3.Connection, flt: Filter) -> tuple[str, ...]:
    """Return the overlays a tile query reads, named one by one (so the index on
    (overlay, tile key) serves it): the chosen ones, narrowed to the chosen event type."""
    chosen = flt.overlays if flt.overlays is not None else tuple(sorted(overlays(db)))
    if flt.event_type is not None:
        wanted = f"events-{css_token(flt.event_type)}"
        chosen = tuple(o for o in chosen if not o.startswith("events-") or o == wanted)
    return chosen


#: A tile with more points than this shows them as clusters: a 256-pixel tile holds 32
#: markers at one to a 45-pixel square (a marker is 14 to 26 pixels wide, its label more);
#: more cover each other, and cost the browser time to draw and to move at every zoom and pan.
TILE_POINTS = 32
#: A map whose overlays shown hold at most this many features draws each of them at every zoom
#: (up to this many in one tile), as a map of a few articles should.
SMALL_MAP = 200


def _overlays_total(db: sqlite3.Connection, chosen: tuple[str, ...]) -> int:
    """Return how many features the overlays ``chosen`` hold (their running counts)."""
    if not chosen:
        return 0
    marks = ",".join("?" * len(chosen))
    row = db.execute(f"SELECT sum(n) FROM counts WHERE overlay IN ({marks})", chosen).fetchone()
    return int(row[0] or 0)


def _counted(flt: Filter) -> bool:
    """True if the running cell counts answer ``flt`` (it narrows by overlay only)."""
    return (
        flt.layers is None
        and flt.boxes is None
        and flt.days is None
        and flt.kind is None
        and flt.article is None
        and flt.sentence is None
        and flt.text is None
        and flt.ids is None
        and not flt.equals
        and not flt.exclude
        and flt.where is None
        and flt.families is None
    )


def _cell_zoom(z: int) -> int:
    """Return the zoom of the grid a tile of zoom ``z`` clusters on: 4 x 4 cells a tile (a
    cell of 64 pixels holds a cluster's disc, 30 to 52 pixels wide, without overlap)."""
    return min(z + 2, QK_ZOOM)


def _counted_zoom(zc: int) -> int | None:
    """Return the zoom of the running cell counts that make the grid of zoom ``zc``: its own,
    or the next (four of its cells to one), or None if neither is counted."""
    for zs in (zc, zc + 1):
        if zs in CELL_ZOOMS:
            return zs
    return None


def _merge_cells(rows: list[tuple], levels: int) -> list[tuple]:
    """Return the cell rows ``rows`` (cell, n, sum lon, sum lat, west, south, east, north)
    merged into the cells ``levels`` zooms up (4 ** levels of them to one)."""
    if not levels:
        return rows
    merged: dict[int, list] = {}
    for cell, n, sx, sy, w, s, e, nn in rows:
        key = int(cell) >> (2 * levels)
        into = merged.get(key)
        if into is None:
            merged[key] = [key, n, sx, sy, w, s, e, nn]
            continue
        into[1] += n
        into[2] += sx
        into[3] += sy
        if into[4] is not None and w is not None:
            into[4:] = [min(into[4], w), min(into[5], s), max(into[6], e), max(into[7], nn)]
        else:
            into[4:] = [None, None, None, None]
    return [tuple(row) for row in merged.values()]


def _cell_box(zc: int, cell: int) -> list[float]:
    x = y = 0
    for bit in range(zc):
        x |= ((cell >> (2 * bit)) & 1) << bit
        y |= ((cell >> (2 * bit + 1)) & 1) << bit
    west, south, east, north = tile_bounds(zc, x, y)
    return [round(west, 6), round(south, 6), round(east, 6), round(north, 6)]


def tile(
    db: sqlite3.Connection,
    flt: Filter,
    z: int,
    x: int,
    y: int,
    max_features: int | None = None,
    points: bool = True,
    shapes: bool = True,
) -> Tile:
    """Return tile z/x/y of the map for ``flt``: every matching point feature in it if at most
    ``max_features``, else clusters on a grid of 4 x 4 cells a tile (count, mean
    position, bounds), a cell of one point showing that point; plus the lines and areas that
    cross it (at most ``MAX_SHAPES``).
    ``points`` or ``shapes`` False leaves out the points or the lines and areas.

    ``max_features`` is by default ``TILE_POINTS``, or ``SMALL_MAP`` if the overlays shown
    hold at most ``SMALL_MAP`` features in all (their running counts: a cost of the overlays).

    A filter by overlay alone is answered from the running cell counts (cost: the cells of
    the tile); any other filter reads the matching points of the tile once.
    """
    chosen = _tile_overlays(db, flt)
    narrowed = Filter(**{**flt.__dict__, "overlays": chosen})
    if max_features is None:
        max_features = SMALL_MAP if _overlays_total(db, chosen) <= SMALL_MAP else TILE_POINTS
    where, args = _where(db, narrowed)
    features: list[dict] = []
    clusters: list[dict] = []
    total = 0
    if points:
        counted = _counted(flt) and bool(chosen)
        total = _tile_points(
            db, (chosen, counted, where, args), (z, x, y), max_features, features, clusters
        )
    if shapes:
        west, south, east, north = tile_bounds(z, x, y)
        lines = db.execute(
            "SELECT f.n, f.layer, f.name_vi, f.n_named, f.body FROM features f "
            "JOIN features_bbox b ON b.n = f.n "
            "WHERE f.qk IS NULL AND b.west <= ? AND b.east >= ? AND b.south <= ? AND b.north >= ? "
            f"AND {where} ORDER BY {_LAYER_RANK}, f.sort LIMIT ?",
            [east, west, north, south, *args, MAX_SHAPES],
        ).fetchall()
        features.extend(_whole(db, row, 0) for row in lines)
    return Tile(features, clusters, total)


def _tile_points(
    db: sqlite3.Connection,
    query: tuple[tuple[str, ...], bool, str, list],
    where_tile: tuple[int, int, int],
    max_features: int,
    features: list[dict],
    clusters: list[dict],
) -> int:
    """Add a tile's points to ``features``, or their clusters to ``clusters``; return how many
    points the tile has. ``query``: the overlays read, whether the running cell counts
    answer, and the SQL condition with its arguments."""
    chosen, counted, where, args = query
    z, x, y = where_tile
    zq = min(z, QK_ZOOM)
    first, last = tile_range(zq, x >> (z - zq), y >> (z - zq))
    west, south, east, north = tile_bounds(z, x, y)
    zc = _cell_zoom(z)
    shift = 2 * (QK_ZOOM - zc)
    marks = ",".join("?" * len(chosen))
    # The points of the tile: one range of tile keys (and, past QK_ZOOM, the tile's bounds).
    in_tile = "f.qk BETWEEN ? AND ?"
    targs: list = [first, last]
    if z > QK_ZOOM:
        in_tile += " AND f.lon >= ? AND f.lon < ? AND f.lat > ? AND f.lat <= ?"
        targs += [west, east, south, north]
    zs = _counted_zoom(zc) if counted and z <= QK_ZOOM else None
    if zs is not None:
        stored = 2 * (QK_ZOOM - zs)
        cells = _merge_cells(
            db.execute(
                f"SELECT cell, sum(n), sum(sx), sum(sy), NULL, NULL, NULL, NULL FROM cells "
                f"WHERE overlay IN ({marks}) AND z = ? AND cell BETWEEN ? AND ? GROUP BY cell "
                "HAVING sum(n) > 0",
                [*chosen, zs, first >> stored, last >> stored],
            ).fetchall(),
            zs - zc,
        )
    else:
        cells = db.execute(
            "SELECT f.qk >> ? AS cell, count(*), sum(f.lon), sum(f.lat), min(f.lon), "
            f"min(f.lat), max(f.lon), max(f.lat) FROM features f WHERE {in_tile} AND {where} "
            "GROUP BY cell",
            [shift, *targs, *args],
        ).fetchall()
    total = sum(int(row[1]) for row in cells)
    if total <= max_features:
        if total:
            rows = db.execute(
                "SELECT f.n, f.layer, f.name_vi, f.n_named, f.body FROM features f "
                f"WHERE {in_tile} AND {where} ORDER BY {_LAYER_RANK}, f.sort",
                [*targs, *args],
            ).fetchall()
            features.extend(_whole(db, row, 0) for row in rows)
    else:
        # A cell of one point shows that point, not a cluster of one.
        singles: list[tuple] = []
        for cell, n, *_ in cells:
            if int(n) == 1:
                low = int(cell) << shift
                singles += db.execute(
                    f"SELECT {_LAYER_RANK}, f.sort, f.n, f.layer, f.name_vi, f.n_named, f.body "
                    f"FROM features f WHERE {in_tile} AND f.qk BETWEEN ? AND ? AND {where} "
                    "LIMIT 1",
                    [*targs, low, low + (1 << shift) - 1, *args],
                ).fetchall()
        singles.sort(key=lambda row: (row[0], row[1]))
        features.extend(_whole(db, row[2:], 0) for row in singles)
        for cell, n, sx, sy, w, s, e, nn in cells:
            if int(n) == 1:
                continue
            box = [w, s, e, nn] if w is not None else _cell_box(zc, int(cell))
            clusters.append(
                {
                    "count": int(n),
                    "lon": round(sx / n, 6),
                    "lat": round(sy / n, 6),
                    "bbox": [round(v, 6) for v in box],
                }
            )
    return total
