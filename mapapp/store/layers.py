"""The store: the only code that reads and writes the GeoJSON layers of a data directory."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mapapp.core.errors import InvalidData, NotFound
from mapapp.core.model import LAYER_IDS, LAYERS, Layer
from mapapp.sources.articles import Article, read_article
from mapapp.store.datadir import DataDir
from mapapp.store.fileio import atomic_write_many, data_lock, remove_stale_temp_files

__all__ = ["Store", "Snapshot", "dump_geojson"]


def dump_geojson(collection: dict) -> bytes:
    """Serialise a FeatureCollection the one way the project writes it (stable, UTF-8)."""
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class Snapshot:
    """An immutable view of a data directory at one moment: layers, features and articles."""

    layers: dict[str, dict]
    features: dict[str, dict]
    feature_layer: dict[str, str]
    articles: dict[str, Article]


class Store:
    """Load, query and atomically save one data directory.

    Reads are served from an in-memory snapshot that is rebuilt when a file changes on disk,
    so a running server shows data written by ``mapapp ingest`` without a restart.
    """

    def __init__(self, datadir: DataDir | Path | str):
        #: Where every file of the data directory is.
        self.datadir = DataDir.of(datadir)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._snapshot: Snapshot | None = None

    # -- reading -------------------------------------------------------------------------
    def layer_path(self, layer_id: str) -> Path:
        """Return the file a layer lives in (NotFound for an unknown layer id)."""
        return self.datadir.layer(layer_id)

    def _stamp_now(self) -> tuple:
        paths = [*self.datadir.layers().values(), *self.datadir.article_files()]
        stamp: list[tuple[str, int | None, int | None]] = []
        for path in paths:
            try:
                st = path.stat()
                stamp.append((str(path), st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                stamp.append((str(path), None, None))
        return tuple(stamp)

    def snapshot(self) -> Snapshot:
        """Return the current snapshot, reloading it if any file changed since the last call."""
        stamp = self._stamp_now()
        with self._lock:
            if self._snapshot is None or stamp != self._stamp:
                self._snapshot = self._load()
                self._stamp = stamp
            return self._snapshot

    def _read_layer(self, layer_id: str) -> dict:
        path = self.datadir.layer(layer_id)
        if not path.exists():
            return _collection([])
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidData(f"{path.name}: not valid GeoJSON ({exc})") from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise InvalidData(f"{path.name}: not a FeatureCollection")
        return data

    def _load(self) -> Snapshot:
        layers: dict[str, dict] = {}
        features: dict[str, dict] = {}
        feature_layer: dict[str, str] = {}
        for layer_id in LAYER_IDS:
            collection = self._read_layer(layer_id)
            layers[layer_id] = collection
            for feature in collection.get("features", []):
                fid = feature.get("id")
                if isinstance(fid, str):
                    features.setdefault(fid, feature)
                    feature_layer.setdefault(fid, layer_id)
        return Snapshot(layers, features, feature_layer, self.read_articles())

    def read_articles(self) -> dict[str, Article]:
        """Read every article file from disk, keyed by article id (bypassing the snapshot)."""
        articles = {}
        for path in self.datadir.article_files():
            article = read_article(path)
            articles[article.id] = article
        return articles

    def layer_info(self) -> list[tuple[Layer, dict]]:
        """Return every layer with its FeatureCollection, in display order."""
        snap = self.snapshot()
        return [(layer, snap.layers[layer.id]) for layer in LAYERS]

    def layer(self, layer_id: str) -> dict:
        """Return one layer as a FeatureCollection (NotFound for an unknown id)."""
        self.layer_path(layer_id)
        return self.snapshot().layers[layer_id]

    def all_features(self) -> dict:
        """Return every feature of every layer as one FeatureCollection."""
        snap = self.snapshot()
        return _collection([f for lid in LAYER_IDS for f in snap.layers[lid]["features"]])

    def feature(self, feature_id: str) -> dict:
        """Return one feature by id (NotFound if no layer has it)."""
        try:
            return self.snapshot().features[feature_id]
        except KeyError:
            raise NotFound(f"unknown feature {feature_id!r}") from None

    def feature_layer(self, feature_id: str) -> str:
        """Return the id of the layer a feature belongs to."""
        self.feature(feature_id)
        return self.snapshot().feature_layer[feature_id]

    def articles(self) -> list[Article]:
        """Return every article, newest first."""
        return sorted(
            self.snapshot().articles.values(), key=lambda a: (a.published, a.id), reverse=True
        )

    def article(self, article_id: str) -> Article:
        """Return one article by id (NotFound if there is none)."""
        try:
            return self.snapshot().articles[article_id]
        except KeyError:
            raise NotFound(f"unknown article {article_id!r}") from None

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def lock(self, timeout: float | None = None):
        """Hold the data directory's write lock (waiting at most ``timeout`` seconds, else
        DataBusy), first removing the temporary files a killed writer left behind."""
        self.datadir.root.mkdir(parents=True, exist_ok=True)
        with data_lock(self.datadir, timeout):
            for directory in self.datadir.write_dirs:
                remove_stale_temp_files(directory)
            yield

    def write_layers(self, layers: dict[str, list[dict]]) -> None:
        """Atomically replace the named layers; call while holding ``lock()``."""
        self.write(layers, {})

    def write(self, layers: dict[str, list[dict]], articles: dict[str, str]) -> None:
        """Write article files and layers together: every file is staged before any is
        replaced, so a failure leaves the old data whole. Call while holding ``lock()``."""
        files = {
            self.layer_path(layer_id): dump_geojson(_collection(features))
            for layer_id, features in layers.items()
        }
        for article_id, text in articles.items():
            files[self.datadir.article(article_id)] = text.encode("utf-8")
        if articles:
            self.datadir.articles.mkdir(parents=True, exist_ok=True)
        atomic_write_many(files)

    def read_layers_fresh(self) -> dict[str, list[dict]]:
        """Read every layer from disk, bypassing the snapshot (for read-modify-write)."""
        return {lid: list(self._read_layer(lid)["features"]) for lid in LAYER_IDS}
