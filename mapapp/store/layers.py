"""The store: the only code that reads and writes a data directory's GeoJSON and its index.

On disk, GeoJSON is the source of truth, partitioned so that one article's change rewrites one
file: ``features/<article id>.geojson`` holds the events an article reports and the places it
names (with that article's sources), and the layers no article owns (peacekeeping posts,
routes, regions) each have their own file. The index (``store.index``) is derived from those
files; a reader that finds it missing or stale brings it up to date first.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path

import orjson

from mapapp.core.errors import DataBusy, InvalidData, NotFound
from mapapp.core.model import LAYER_IDS
from mapapp.sources.articles import Article, read_article
from mapapp.store import queries
from mapapp.store.datadir import DataDir
from mapapp.store.fileio import atomic_write_many, data_lock, remove_stale_temp_files
from mapapp.store.index import SCHEMA_VERSION, IndexWriter, connect

__all__ = ["Store", "ArticleInfo", "dump_geojson", "SHARED_LAYERS"]

#: The layers no article owns: built from the curation file and the reference geometry.
SHARED_LAYERS = ("peacekeeping-posts", "routes", "regions")
_SHARED_PREFIX = "@"
#: How many counts of matches (``Store.count_upto``) a store keeps, the most recent.
COUNTS_KEPT = 256
#: The bookkeeping values a write records (``write``'s ``meta``) that describe the partitions,
#: not the index: a rebuilt index keeps them (see ``Store._kept_meta``).
KEPT_META = ("inputs",)


def dump_geojson(collection: dict) -> bytes:
    """Serialise a FeatureCollection the one way the project writes it (stable, UTF-8,
    indented so that a change reads well in a diff)."""
    return orjson.dumps(collection, option=orjson.OPT_INDENT_2) + b"\n"


@dataclass(frozen=True)
class ArticleInfo:
    """What the index knows of an article: enough to list it without reading its file."""

    id: str
    title: str
    published: str
    source: str
    url: str | None
    language: str
    published_note: str | None
    sentences: int
    feature_count: int


def _stamp(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


@contextmanager
def _bulk(db: sqlite3.Connection):
    """Give a large write a bigger page cache, then fold the write-ahead log back into the
    index and truncate it (it would otherwise stay as large as the write)."""
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute("PRAGMA cache_size = -2000")
        with suppress(sqlite3.OperationalError):  # busy readers: the log is folded later
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


#: The page cache (KiB) of a large write: index pages stay in memory while rows go in.
BULK_CACHE_KIB = 128 * 1024


class Store:
    """Read and atomically write one data directory; keep its index current.

    Safe to share between threads: each thread reads through its own SQLite connection.
    """

    def __init__(self, datadir: DataDir | Path | str):
        #: Where every file of the data directory is.
        self.datadir = DataDir.of(datadir)
        self._local = threading.local()
        self._fresh: str | None = None
        self._sync_lock = threading.Lock()
        self._writing = False
        self._counts: OrderedDict[tuple, int | None] = OrderedDict()
        self._counts_lock = threading.Lock()
        # What ``_disk_stamp`` looks at (every request does: plain strings, no pathlib).
        self._stamp_paths = [
            os.fspath(p)
            for p in (self.datadir.features, *(self.datadir.layer(lid) for lid in SHARED_LAYERS))
        ]

    # -- the partitions on disk ----------------------------------------------------------
    def part_path(self, part: str) -> Path:
        """Return the file of partition ``part`` (an article id, or ``@<shared layer>``)."""
        if part.startswith(_SHARED_PREFIX):
            return self.datadir.layer(part[1:])
        return self.datadir.partition(part)

    def _disk_parts(self) -> dict[str, tuple[int, int]]:
        parts: dict[str, tuple[int, int]] = {}
        for layer_id in SHARED_LAYERS:
            stamp = _stamp(self.datadir.layer(layer_id))
            if stamp is not None:
                parts[_SHARED_PREFIX + layer_id] = stamp
        for entry in self.datadir.partition_entries():
            st = entry.stat()
            parts[entry.name[: -len(".geojson")]] = (st.st_mtime_ns, st.st_size)
        return parts

    def _disk_stamp(self) -> str:
        """What changes whenever a partition is written, added or removed: the mtimes of the
        partition directory (a rename into it changes it) and of the shared layer files."""
        return json.dumps([_stamp(path) for path in self._stamp_paths])

    def read_part(self, part: str) -> dict | None:
        """Return a partition's FeatureCollection as stored (None if it has no file)."""
        path = self.part_path(part)
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except orjson.JSONDecodeError as exc:
            raise InvalidData(f"{path.name}: not valid GeoJSON ({exc})") from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise InvalidData(f"{path.name}: not a FeatureCollection")
        return data

    # -- the index -------------------------------------------------------------------------
    @property
    def index_path(self) -> Path:
        """Where the index lives."""
        return self.datadir.index_file

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.index_path)
            self._local.db = db
        return db

    def _meta(self, db: sqlite3.Connection, key: str) -> str | None:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else row[0]

    def db(self) -> sqlite3.Connection:
        """Return this thread's connection to a current index (updating it first if stale)."""
        stamp = self._disk_stamp()
        if stamp != self._fresh:
            self.refresh(stamp)
        return self._db()

    def refresh(self, stamp: str | None = None, full: bool = False) -> bool:
        """Bring the index up to date with the partitions on disk; return True if it was stale.

        A reader that finds another process writing leaves the index as it is (that writer
        updates it). Cost: a few file stats when current; when stale, one directory listing
        plus the partitions that changed. A partition rewritten in place (not renamed into
        place, as the store writes) leaves the directory's time alone: ``full`` compares every
        partition's file time and size whatever the directory says (what ``mapapp validate``
        does).
        """
        stamp = stamp or self._disk_stamp()
        with self._sync_lock:
            db = self._db() if self.index_path.exists() else None
            if (
                not full
                and db is not None
                and self._meta(db, "schema") == SCHEMA_VERSION
                and self._meta(db, "stamp") == stamp
            ):
                self._fresh = stamp
                return False
            if self._writing:
                return False
            try:
                with self.lock(timeout=0 if self.index_path.exists() else None):
                    self._sync()
            except DataBusy:
                return False
            self._fresh = self._disk_stamp()
            return True

    def _sync(self, kept: dict[str, str] | None = None) -> None:
        """Apply every partition whose file differs from what the index read (under the lock);
        ``kept``: bookkeeping values to set (see ``_kept_meta``)."""
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        db = self._db()
        kept = dict(kept or {})
        if self._meta(db, "schema") != SCHEMA_VERSION:
            kept = self._kept_meta(db) | kept
            self._drop_index()
            db = self._db()
            IndexWriter(db).create()
        stamp = self._disk_stamp()
        disk = self._disk_parts()
        known = {
            name: (m, s) for name, m, s in db.execute("SELECT name, mtime_ns, size FROM parts")
        }
        changed = [name for name, st in disk.items() if known.get(name) != st]
        gone = [name for name in known if name not in disk]
        writer = IndexWriter(db)
        with _bulk(db):
            db.execute("BEGIN IMMEDIATE")
            try:
                writer.apply((name, None, None) for name in gone)
                for start in range(0, len(changed), 1000):
                    batch = changed[start : start + 1000]
                    writer.apply((name, self.read_part(name), disk[name]) for name in batch)
                for key, value in kept.items():
                    writer.set_meta(key, value)
                writer.bump_version()
                writer.set_meta("stamp", stamp)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _kept_meta(self, db: sqlite3.Connection) -> dict[str, str]:
        """The bookkeeping values an index rebuilt from the partitions carries over from the
        one it replaces: what the last write recorded of its inputs (``write``'s ``meta``),
        without which the next ingest would rebuild the shared layers to find out."""
        kept = {}
        for key in KEPT_META:
            value = self._meta(db, key)
            if value is not None:
                kept[key] = value
        return kept

    def _drop_index(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.index_path}{suffix}").unlink(missing_ok=True)

    def rebuild_index(self, timeout: float | None = None) -> None:
        """Delete the index and build it again from the partitions."""
        with self.lock(timeout=timeout):
            kept = self._kept_meta(self._db()) if self.index_path.exists() else {}
            self._drop_index()
            self._sync(kept)
        self._fresh = None

    def version(self) -> str:
        """Return the data version: it changes whenever the data does (for ETags)."""
        return self._version(self.db())

    def _version(self, db: sqlite3.Connection) -> str:
        return f"{self._meta(db, 'epoch')}.{self._meta(db, 'version')}"

    # -- reading -------------------------------------------------------------------------
    def layer_counts(self) -> dict[str, int]:
        """Return how many features each layer has."""
        rows = queries.layer_counts(self.db())
        return {layer_id: rows.get(layer_id, 0) for layer_id in LAYER_IDS}

    def has_overlay(self, overlay: str) -> bool:
        """Return whether any feature is drawn in overlay ``overlay``."""
        return overlay in queries.overlays(self.db())

    def overlays(self) -> dict[str, int]:
        """Return every overlay that has features, with how many."""
        return queries.overlays(self.db())

    def iter_layer(self, layer_id: str) -> Iterator[dict]:
        """Yield every feature of a layer, whole, in layer order (NotFound for an unknown id)."""
        self.datadir.layer(layer_id)
        return queries.iter_layer(self.db(), layer_id)

    def feature(self, feature_id: str, max_sources: int | None = None) -> dict:
        """Return one feature by id, whole (NotFound if no layer has it)."""
        found = queries.feature(self.db(), feature_id, max_sources)
        if found is None:
            raise NotFound(f"unknown feature {feature_id!r}")
        return found

    def feature_layer(self, feature_id: str) -> str:
        """Return the id of the layer a feature belongs to."""
        row = self.db().execute("SELECT layer FROM features WHERE id = ?", (feature_id,))
        found = row.fetchone()
        if found is None:
            raise NotFound(f"unknown feature {feature_id!r}")
        return found[0]

    def select(self, flt: queries.Filter, limit: int, offset: int = 0, **kw) -> list:
        """Return a page of features matching ``flt`` (see ``queries.select``)."""
        return queries.select(self.db(), flt, limit, offset, **kw)

    def bounds(self, flt: queries.Filter):
        """Return the (west, south, east, north) bounds of the matching features, or None."""
        return queries.bounds(self.db(), flt)

    def day_range(
        self, layer_id: str, families: tuple[str | None, ...] | None = None
    ) -> tuple[int, int] | None:
        """Return the first and last day of a layer's dated features (of those geometry
        ``families`` only, if given), or None."""
        return queries.day_range(self.db(), layer_id, families)

    def count(self, flt: queries.Filter) -> int:
        """Return how many features match ``flt``."""
        return queries.count(self.db(), flt)

    def count_upto(self, flt: queries.Filter, cap: int) -> int | None:
        """Return how many features match ``flt`` if at most ``cap``, else None.

        Counted once per data version: a client paging through one query (GDAL, QGIS: the same
        filter, the offset moving on) is answered from the last ``COUNTS_KEPT`` counts.
        """
        db = self.db()
        key = (self._version(db), flt, cap)
        with self._counts_lock:
            if key in self._counts:
                self._counts.move_to_end(key)
                return self._counts[key]
        found = queries.count_upto(db, flt, cap)
        with self._counts_lock:
            self._counts[key] = found
            while len(self._counts) > COUNTS_KEPT:
                self._counts.popitem(last=False)
        return found

    def tile(self, flt: queries.Filter, z: int, x: int, y: int, **kw) -> queries.Tile:
        """Return map tile z/x/y for ``flt`` (see ``queries.tile``)."""
        return queries.tile(self.db(), flt, z, x, y, **kw)

    def articles(self, limit: int = 50, offset: int = 0) -> list[ArticleInfo]:
        """Return a page of articles, newest first."""
        rows = self.db().execute(
            "SELECT id, title, published, source, url, language, published_note, sentences, "
            "feature_count FROM articles "
            "ORDER BY published DESC, id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [ArticleInfo(*row) for row in rows]

    def search_articles(self, text: str, limit: int = 5) -> list[tuple[str, str, str]]:
        """Return ``(id, title, published)`` of the articles whose titles match ``text`` best."""
        return queries.search_articles(self.db(), text, limit)

    def article_titles(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Return the titles of those of ``article_ids`` the index knows, by id."""
        wanted = list(dict.fromkeys(article_ids))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db().execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", chunk)
            found.update((row[0], row[1]) for row in rows if row[1])
        return found

    def article_count(self) -> int:
        """Return how many articles the map is built from."""
        return int(self.db().execute("SELECT count(*) FROM articles").fetchone()[0])

    def stored_urls(self, urls: list[str]) -> set[str]:
        """Return those of ``urls`` that a stored article has as its address."""
        db = self.db()
        # An index made before addresses were looked up lacks it: made once, here.
        db.execute("CREATE INDEX IF NOT EXISTS articles_url ON articles(url)")
        found: set[str] = set()
        for i in range(0, len(urls), 500):
            chunk = urls[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = db.execute(f"SELECT url FROM articles WHERE url IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def article_info(self, article_id: str) -> ArticleInfo:
        """Return what the index knows of one article (NotFound if it is not on the map)."""
        row = (
            self.db()
            .execute(
                "SELECT id, title, published, source, url, language, published_note, sentences, "
                "feature_count FROM articles "
                "WHERE id = ?",
                (article_id,),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"unknown article {article_id!r}")
        return ArticleInfo(*row)

    def article(self, article_id: str) -> Article:
        """Return one article, read from its file (NotFound if there is none)."""
        path = self.datadir.article(article_id)
        if not path.is_file():
            raise NotFound(f"unknown article {article_id!r}")
        return read_article(path)

    def read_articles(self) -> dict[str, Article]:
        """Read every article file, keyed by id (a full rebuild's input; costs the archive)."""
        articles = {}
        for path in self.datadir.article_files():
            article = read_article(path)
            articles[article.id] = article
        return articles

    def article_ids(self) -> list[str]:
        """Return the id of every article file (by file name; no file is read)."""
        return [path.stem for path in self.datadir.article_files()]

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def lock(self, timeout: float | None = None):
        """Hold the data directory's write lock (waiting at most ``timeout`` seconds, else
        DataBusy), first removing the temporary files a killed writer left behind.

        Only a killed writer leaves them (a failing one removes its own), and it leaves its
        lock record too: the directories, the partitions' and articles' with an entry per
        article, are listed only then.
        """
        self.datadir.root.mkdir(parents=True, exist_ok=True)
        self.datadir.state.mkdir(parents=True, exist_ok=True)
        with data_lock(self.datadir, timeout) as killed:
            for directory in self.datadir.write_dirs if killed else ():
                remove_stale_temp_files(directory)
            self._writing = True
            try:
                yield
            finally:
                self._writing = False

    def meta(self, key: str) -> str | None:
        """Return a bookkeeping value the last write recorded (None if there is none)."""
        return self._meta(self.db() if not self._writing else self._db(), key)

    def part_names(self) -> list[str]:
        """Return the name (article id) of every article partition on disk."""
        return [entry.name[: -len(".geojson")] for entry in self.datadir.partition_entries()]

    def write(
        self,
        parts: dict[str, dict | None],
        articles: dict[str, str],
        meta: dict[str, object] | None = None,
    ) -> None:
        """Write partitions (None removes one) and article files, then update the index.

        Call while holding ``lock()``. Every file is staged before any is replaced, so a
        failure leaves the old files whole; the index is updated in one transaction after
        the files, so a crash in between leaves it detectably stale (its stamp differs from
        the directory's) and the next reader or writer repairs it from the files.
        """
        self.refresh_for_write()
        files = {
            self.part_path(name): dump_geojson(collection)
            for name, collection in parts.items()
            if collection is not None
        }
        for article_id, text in articles.items():
            files[self.datadir.article(article_id)] = text.encode("utf-8")
        self.datadir.features.mkdir(parents=True, exist_ok=True)
        if articles:
            self.datadir.articles.mkdir(parents=True, exist_ok=True)
        atomic_write_many(files)
        for name, collection in parts.items():
            if collection is None:
                with suppress(FileNotFoundError):
                    os.unlink(self.part_path(name))
        db = self._db()
        writer = IndexWriter(db)
        with _bulk(db) if len(parts) > 50 else nullcontext():
            db.execute("BEGIN IMMEDIATE")
            try:
                writer.apply(
                    (name, collection, _stamp(self.part_path(name)) if collection else None)
                    for name, collection in parts.items()
                )
                for key, value in (meta or {}).items():
                    writer.set_meta(key, value if isinstance(value, str) else json.dumps(value))
                writer.bump_version()
                writer.set_meta("stamp", self._disk_stamp())
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self._fresh = None

    def refresh_for_write(self) -> None:
        """Bring the index up to date before a write (call while holding ``lock()``)."""
        db = self._db() if self.index_path.exists() else None
        if (
            db is None
            or self._meta(db, "schema") != SCHEMA_VERSION
            or self._meta(db, "stamp") != self._disk_stamp()
        ):
            self._sync()

    def shared_part(self, layer_id: str) -> str:
        """Return the partition name of a layer no article owns."""
        if layer_id not in SHARED_LAYERS:
            raise NotFound(f"layer {layer_id!r} is built from articles")
        return _SHARED_PREFIX + layer_id
