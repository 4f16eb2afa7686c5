"""The derived index of a data directory: SQLite with R*Tree and FTS5, rebuilt from the GeoJSON.

Why SQLite: it ships with Python, needs no server, lets any number of reader processes share
one file while one writer updates it (write-ahead log), and has the two structures the map needs
compiled in: an R*Tree for bounds and FTS5 for ranked text search. The index holds nothing the
GeoJSON partitions do not: delete it and it is rebuilt from them.

Places are aggregated here: each partition holds the places its article mentions, with that
article's sources; the index keeps one row per place with counts, and its mentions, so a place
named in 10,000 articles costs one row update per ingest, not a rewrite of 10,000 sources.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import orjson

from mapapp.core.errors import InvalidData
from mapapp.core.text import fold
from mapapp.store import sqlfuncs
from mapapp.store.rows import (
    CELL_ZOOMS,
    MAX_MEMBERS,
    QK_ZOOM,
    SHAPE_MEMBERS,
    FeatureRow,
    feature_row,
    search_names,
)

__all__ = ["SCHEMA_VERSION", "connect", "IndexWriter", "check_sqlite"]

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE parts(name TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER);
CREATE TABLE articles(
    id TEXT PRIMARY KEY, title TEXT, published TEXT, source TEXT, url TEXT, language TEXT,
    published_note TEXT, sentences INTEGER, feature_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX articles_published ON articles(published DESC, id DESC);
CREATE INDEX articles_url ON articles(url);
CREATE TABLE features(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, layer TEXT NOT NULL, overlay TEXT NOT NULL,
    part TEXT NOT NULL, kind TEXT, event_type TEXT, geo_precision TEXT,
    day_start INTEGER, day_end INTEGER, date TEXT, lon REAL, lat REAL, qk INTEGER,
    bw REAL, bs REAL, be REAL, bn REAL,
    name TEXT, name_vi TEXT, sort TEXT NOT NULL,
    n_sources INTEGER NOT NULL DEFAULT 0, n_named INTEGER NOT NULL DEFAULT 0,
    family TEXT, body TEXT NOT NULL);
CREATE INDEX features_tile ON features(overlay, qk, day_start, day_end, lon, lat);
-- The day span and bounds ride along so a walk in this order tests each entry without
-- reading its row.
CREATE INDEX features_order ON features(layer, sort, day_start, day_end, bw, be, bs, bn);
CREATE INDEX features_part ON features(part);
CREATE INDEX features_time ON features(layer, day_start, day_end);
CREATE INDEX features_date ON features(day_start, id);
CREATE TABLE codes(overlay TEXT NOT NULL, shape INTEGER NOT NULL, layer TEXT NOT NULL,
    code INTEGER NOT NULL UNIQUE, PRIMARY KEY(overlay, shape));
CREATE VIRTUAL TABLE features_bbox USING rtree(n, west, east, south, north, first, last, lo, hi);
CREATE VIRTUAL TABLE members_bbox USING rtree(m, west, east, south, north, first, last, lo, hi);
CREATE TABLE members(m INTEGER PRIMARY KEY, lon REAL NOT NULL, lat REAL NOT NULL);
CREATE VIRTUAL TABLE features_text USING fts5(
    names, words, tokenize = 'unicode61 remove_diacritics 2');
-- Article titles, folded, by the articles row's rowid.
CREATE VIRTUAL TABLE articles_text USING fts5(
    title, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE cites(article_id TEXT NOT NULL, sentence INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(article_id, sentence, n)) WITHOUT ROWID;
CREATE INDEX cites_n ON cites(n);
CREATE TABLE mentions(place TEXT NOT NULL, part TEXT NOT NULL, named INTEGER NOT NULL,
    name_vi TEXT, n_sources INTEGER NOT NULL, sources TEXT NOT NULL,
    PRIMARY KEY(place, part)) WITHOUT ROWID;
CREATE INDEX mentions_part ON mentions(part);
CREATE TABLE counts(overlay TEXT PRIMARY KEY, layer TEXT NOT NULL, n INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE cells(overlay TEXT NOT NULL, z INTEGER NOT NULL, cell INTEGER NOT NULL,
    n INTEGER NOT NULL, sx REAL NOT NULL, sy REAL NOT NULL,
    PRIMARY KEY(overlay, z, cell)) WITHOUT ROWID;
CREATE TABLE surfaces(place TEXT NOT NULL, surface TEXT NOT NULL, count INTEGER NOT NULL,
    latest TEXT NOT NULL DEFAULT '', PRIMARY KEY(place, surface)) WITHOUT ROWID;
"""


#: Changes whenever the tables do (a digest of their definition): an index of another
#: version is rebuilt.
SCHEMA_VERSION = hashlib.sha256(_SCHEMA.encode()).hexdigest()[:12]


#: The days an undated feature spans in the R*Tree (whose third dimension is time): all.
UNDATED = (-100_000_000, 100_000_000)
#: The codes of shape class k (an overlay each) are ``k * CODE_SPAN`` onwards.
CODE_SPAN = 1_000_000


def check_sqlite() -> None:
    """Raise RuntimeError unless this Python's SQLite has the R*Tree and FTS5 modules."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE r USING rtree(id, a, b)")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError as exc:
        raise RuntimeError(f"SQLite {sqlite3.sqlite_version} lacks R*Tree or FTS5: {exc}") from exc
    finally:
        db.close()


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open the index at ``path`` (write-ahead log, so readers never wait for the writer)."""
    if readonly:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    sqlfuncs.register(db)
    return db


class IndexWriter:
    """Create the index, and apply one partition's features to it (inside a transaction)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    # -- the whole index ---------------------------------------------------------------
    def create(self) -> None:
        """Create the tables of an empty index, with a fresh epoch (ETags change with it)."""
        self.db.executescript(_SCHEMA)
        self.set_meta("schema", SCHEMA_VERSION)
        self.set_meta("epoch", secrets.token_hex(4))
        self.set_meta("version", "0")

    def set_meta(self, key: str, value: str) -> None:
        """Set one bookkeeping value."""
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def bump_version(self) -> None:
        """Count one more write: the data version ETags are made from."""
        self.db.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key='version'"
        )

    def set_part(self, name: str, stamp: tuple[int, int] | None) -> None:
        """Record the file a partition was read from (None: it has no file any more)."""
        if stamp is None:
            self.db.execute("DELETE FROM parts WHERE name = ?", (name,))
        else:
            self.db.execute(
                "INSERT OR REPLACE INTO parts(name, mtime_ns, size) VALUES (?, ?, ?)",
                (name, *stamp),
            )

    # -- one partition -------------------------------------------------------------------
    def remove(self, part: str) -> None:
        """Take everything a partition contributed out of the index."""
        db = self.db
        ns = [n for (n,) in db.execute("SELECT n FROM features WHERE part = ?", (part,))]
        for n in ns:
            self._drop_row(n)
        places = db.execute(
            "SELECT place, named, name_vi, n_sources FROM mentions WHERE part = ?", (part,)
        ).fetchall()
        for place, named, name_vi, n_sources in places:
            db.execute("DELETE FROM mentions WHERE place = ? AND part = ?", (place, part))
            row = db.execute("SELECT n FROM features WHERE id = ?", (place,)).fetchone()
            if row is None:
                continue
            db.execute("DELETE FROM cites WHERE article_id = ? AND n = ?", (part, row[0]))
            if name_vi:
                db.execute(
                    "UPDATE surfaces SET count = count - 1 WHERE place = ? AND surface = ?",
                    (place, name_vi),
                )
                db.execute("DELETE FROM surfaces WHERE place = ? AND count <= 0", (place,))
            db.execute(
                "UPDATE features SET n_sources = n_sources - ?, n_named = n_named - ? WHERE n = ?",
                (n_sources, named, row[0]),
            )
            left = db.execute("SELECT 1 FROM mentions WHERE place = ? LIMIT 1", (place,))
            if left.fetchone() is None:
                self._drop_row(row[0])
            else:
                self._refresh_place(place, row[0])
        self._drop_article(part)

    def _drop_article(self, article_id: str) -> None:
        found = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,))
        row = found.fetchone()
        if row is not None:
            self.db.execute("DELETE FROM articles_text WHERE rowid = ?", (row[0],))
            self.db.execute("DELETE FROM articles WHERE rowid = ?", (row[0],))

    def _count(self, overlay: str, layer: str, qk, lon, lat, sign: int) -> None:
        """Add (sign 1) or take away (-1) one feature from its overlay's count and, if it is a
        point, from the cells of every pre-counted zoom."""
        self.db.execute(
            "INSERT INTO counts(overlay, layer, n) VALUES (?, ?, ?) "
            "ON CONFLICT(overlay) DO UPDATE SET n = n + excluded.n",
            (overlay, layer, sign),
        )
        if qk is None:
            return
        self.db.executemany(
            "INSERT INTO cells(overlay, z, cell, n, sx, sy) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(overlay, z, cell) DO UPDATE SET n = n + excluded.n, "
            "sx = sx + excluded.sx, sy = sy + excluded.sy",
            [
                (overlay, z, qk >> (2 * (QK_ZOOM - z)), sign, sign * lon, sign * lat)
                for z in CELL_ZOOMS
            ],
        )

    def _drop_row(self, n: int) -> None:
        row = self.db.execute(
            "SELECT overlay, layer, qk, lon, lat FROM features WHERE n = ?", (n,)
        ).fetchone()
        if row is not None:
            overlay, layer, qk, lon, lat = row
            self._count(overlay, layer, qk, lon, lat, -1)
        self.db.execute("DELETE FROM features WHERE n = ?", (n,))
        self._drop_bounds(n)
        self.db.execute("DELETE FROM features_text WHERE rowid = ?", (n,))
        self.db.execute("DELETE FROM cites WHERE n = ?", (n,))

    def _insert_row(self, row: FeatureRow, part: str) -> int:
        cur = self.db.execute(
            "INSERT INTO features(id, layer, overlay, part, kind, event_type, geo_precision, "
            "day_start, day_end, date, lon, lat, qk, bw, bs, be, bn, name, name_vi, sort, "
            "n_sources, family, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                row.id, row.layer, row.overlay, part, row.kind, row.event_type,
                row.geo_precision, row.day_start, row.day_end, row.date, row.lon, row.lat,
                row.qk, *(row.bbox or (None, None, None, None)), row.name, row.name_vi,
                row.sort, len(row.cites), row.family, row.body,
            ),
        )  # fmt: skip
        n = int(cur.lastrowid or 0)
        self._count(row.overlay, row.layer, row.qk, row.lon, row.lat, 1)
        self._insert_bounds(n, row)
        self.db.execute(
            "INSERT INTO features_text(rowid, names, words) VALUES (?,?,?)",
            (n, row.names, row.words),
        )
        return n

    def _code(self, overlay: str, layer: str, shape: int) -> int:
        """The number the R*Trees keep an overlay and shape class as (their last dimension:
        a box query of some overlays and one class is then answered by the tree alone)."""
        db = self.db
        found = db.execute(
            "SELECT code FROM codes WHERE overlay = ? AND shape = ?", (overlay, shape)
        ).fetchone()
        if found is not None:
            return int(found[0])
        # Codes of one shape class are one range: a tree query keeps to a class cheaply.
        last = db.execute(
            "SELECT max(code) FROM codes WHERE code BETWEEN ? AND ?",
            (shape * CODE_SPAN, (shape + 1) * CODE_SPAN - 1),
        ).fetchone()[0]
        code = shape * CODE_SPAN if last is None else int(last) + 1
        db.execute(
            "INSERT INTO codes(overlay, shape, layer, code) VALUES (?, ?, ?, ?)",
            (overlay, shape, layer, code),
        )
        return code

    def _drop_bounds(self, n: int) -> None:
        self.db.execute("DELETE FROM features_bbox WHERE n = ?", (n,))
        # The members table finds a feature's members by a range of its keys (an R*Tree
        # finds rows by one key only).
        span = (n * MAX_MEMBERS, (n + 1) * MAX_MEMBERS - 1)
        members = self.db.execute("SELECT m FROM members WHERE m BETWEEN ? AND ?", span)
        self.db.executemany("DELETE FROM members_bbox WHERE m = ?", members.fetchall())
        self.db.execute("DELETE FROM members WHERE m BETWEEN ? AND ?", span)

    def _insert_bounds(self, n: int, row: FeatureRow) -> None:
        """Index a feature's bounds, day span, overlay and shape class in the R*Tree; a
        multi-point instead has each of its points in the members' R*Tree, with its exact
        position (its bounds would only crowd the first tree)."""
        if row.bbox is None:
            return
        west, south, east, north = row.bbox
        first = UNDATED[0] if row.day_start is None else row.day_start
        last = UNDATED[1] if row.day_end is None else row.day_end
        code = self._code(row.overlay, row.layer, row.shape)
        if row.shape != SHAPE_MEMBERS:
            self.db.execute(
                "INSERT INTO features_bbox(n, west, east, south, north, first, last, lo, hi) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (n, west, east, south, north, first, last, code, code),
            )
        members = [(n * MAX_MEMBERS + k, lon, lat) for k, (lon, lat) in enumerate(row.members)]
        self.db.executemany(
            "INSERT INTO members_bbox(m, west, east, south, north, first, last, lo, hi) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(m, lon, lon, lat, lat, first, last, code, code) for m, lon, lat in members],
        )
        self.db.executemany("INSERT INTO members(m, lon, lat) VALUES (?,?,?)", members)

    def add(self, part: str, collection: dict) -> None:
        """Add a partition's features (call ``remove(part)`` first if it was indexed)."""
        features = [f for f in collection.get("features") or [] if isinstance(f, dict)]
        article = collection.get("article")
        published = str(article.get("published") or "") if isinstance(article, dict) else ""
        count = 0
        for position, feature in enumerate(features):
            props = feature.get("properties") or {}
            if props.get("layer") == "places":
                self._add_mention(part, feature, published)
                count += 1
                continue
            row = feature_row(feature)
            if part.startswith("@"):
                # A layer no article owns keeps the order of its file (the curation file's).
                row = replace(row, sort=f"{position:09d}")
            existing = self.db.execute("SELECT part FROM features WHERE id = ?", (row.id,))
            taken = existing.fetchone()
            if taken is not None:
                raise InvalidData(f"feature id {row.id!r} is in both {taken[0]!r} and {part!r}")
            n = self._insert_row(row, part)
            self.db.executemany(
                "INSERT OR IGNORE INTO cites(article_id, sentence, n) VALUES (?,?,?)",
                [(aid, s, n) for aid, s in row.cites],
            )
            count += 1
        if isinstance(article, dict):
            self._drop_article(part)
            cursor = self.db.execute(
                "INSERT INTO articles(id, title, published, source, url, language, "
                "published_note, sentences, feature_count) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    part, article.get("title"), article.get("published"), article.get("source"),
                    article.get("url"), article.get("language"), article.get("published_note"),
                    article.get("sentences"), count,
                ),
            )  # fmt: skip
            title = article.get("title")
            if isinstance(title, str) and title:
                self.db.execute(
                    "INSERT INTO articles_text(rowid, title) VALUES (?, ?)",
                    (cursor.lastrowid, fold(title)),
                )

    def _add_mention(self, part: str, feature: dict, published: str) -> None:
        props = dict(feature.get("properties") or {})
        sources = [s for s in props.pop("sources", None) or [] if isinstance(s, dict)]
        name_vi = props.pop("name_vi", None)
        named = 1 if props.pop("mention", "named") != "implied" else 0
        place = str(feature.get("id"))
        bare = {**feature, "properties": props}
        row = feature_row(bare, with_sources=False)
        db = self.db
        db.execute(
            "INSERT INTO mentions(place, part, named, name_vi, n_sources, sources) "
            "VALUES (?,?,?,?,?,?)",
            (
                place, part, named, name_vi, len(sources),
                orjson.dumps(sources).decode("utf-8"),
            ),
        )  # fmt: skip
        found = db.execute("SELECT n, part FROM features WHERE id = ?", (place,)).fetchone()
        if found is not None and found[1] != "":
            raise InvalidData(f"feature id {place!r} is in both {found[1]!r} and {part!r}")
        fresh = found is None
        renamed = False
        if fresh:
            n = self._insert_row(row, "")
        else:
            n = found[0]
            old = db.execute(
                "SELECT overlay, layer, qk, lon, lat, body FROM features WHERE n = ?", (n,)
            )
            before = old.fetchone()
            # The place's own facts (position, kind, source) come from its newest mention;
            # most mentions repeat them, and then nothing is rewritten.
            if before[5] != row.body:
                self._replace_place_facts(n, row, before[:5])
                renamed = True  # its other names may have changed: its search text too
        db.execute(
            "UPDATE features SET n_sources = n_sources + ?, n_named = n_named + ? WHERE n = ?",
            (len(sources), named, n),
        )
        db.executemany(
            "INSERT OR IGNORE INTO cites(article_id, sentence, n) VALUES (?,?,?)",
            [(part, s["sentence"], n) for s in sources if isinstance(s.get("sentence"), int)],
        )
        surfaces_before = None
        if name_vi and not fresh:
            top = db.execute("SELECT name_vi FROM features WHERE n = ?", (n,)).fetchone()
            surfaces_before = top[0] if top else None
        if name_vi:
            # ``latest`` only grows: a removed article may leave it later than the newest
            # article left, which only affects a tie-break.
            db.execute(
                "INSERT INTO surfaces(place, surface, count, latest) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(place, surface) DO UPDATE SET count = count + 1, "
                "latest = max(latest, excluded.latest)",
                (place, name_vi, published),
            )
        if fresh or renamed or (name_vi and name_vi != surfaces_before):
            self._refresh_place(place, n)

    def _replace_place_facts(self, n: int, row: FeatureRow, before: tuple) -> None:
        """Set a place's facts and position from a newer mention that changed them."""
        db = self.db
        if before[2:] != (row.qk, row.lon, row.lat):
            overlay, layer, qk, lon, lat = before
            self._count(overlay, layer, qk, lon, lat, -1)
            self._count(row.overlay, row.layer, row.qk, row.lon, row.lat, 1)
        db.execute(
            "UPDATE features SET body = ?, lon = ?, lat = ?, qk = ?, kind = ?, "
            "geo_precision = ?, name = ?, bw = ?, bs = ?, be = ?, bn = ? WHERE n = ?",
            (
                row.body, row.lon, row.lat, row.qk, row.kind, row.geo_precision, row.name,
                *(row.bbox or (None, None, None, None)), n,
            ),
        )  # fmt: skip
        self._drop_bounds(n)
        self._insert_bounds(n, row)

    def _refresh_place(self, place: str, n: int) -> None:
        """Set a place's Vietnamese name to the one most articles write (on a tie, the newest
        article's), and its search text."""
        surfaces = [
            s
            for (s,) in self.db.execute(
                "SELECT surface FROM surfaces WHERE place = ? "
                "ORDER BY count DESC, latest DESC, surface",
                (place,),
            )
        ]
        name, body = self.db.execute("SELECT name, body FROM features WHERE n = ?", (n,)).fetchone()
        self.db.execute(
            "UPDATE features SET name_vi = ? WHERE n = ?", (surfaces[0] if surfaces else name, n)
        )
        alt_names = (orjson.loads(body).get("properties") or {}).get("alt_names")
        names = search_names({"name": name, "alt_names": alt_names, "actors": surfaces})
        self.db.execute("UPDATE features_text SET names = ? WHERE rowid = ?", (names, n))

    def apply(self, changes: Iterable[tuple[str, dict | None, tuple[int, int] | None]]) -> None:
        """Replace partitions: ``(name, collection or None to remove, file stamp)`` each."""
        for name, collection, stamp in changes:
            self.remove(name)
            if collection is not None:
                self.add(name, collection)
            self.set_part(name, stamp)
