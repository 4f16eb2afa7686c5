"""Query indexes over one layer: an STRtree for bounding boxes, day spans sorted by start, and
value postings for equality filters; cached per store snapshot."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import shape

__all__ = ["LayerIndex", "IndexCache", "Box"]

#: ``(min lon, min lat, max lon, max lat)``.
Box = tuple[float, float, float, float]
SpanOf = Callable[[dict], "tuple[int, int] | None"]
ValuesOf = Callable[[dict], Iterable[str]]

_EMPTY = np.empty(0, dtype=np.int64)


def _point(geojson: dict) -> tuple[float, float] | None:
    """Return a GeoJSON Point's ``(x, y)``, or None if it is malformed."""
    try:
        x, y = geojson["coordinates"][:2]
        return float(x), float(y)
    except (KeyError, TypeError, ValueError):
        return None


def _geometry(geojson: dict):
    """Return a shapely geometry for any other GeoJSON geometry, or None if it is broken."""
    try:
        return shape(geojson)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
        return None


def _geometries(features: Sequence[dict]) -> np.ndarray:
    """Return one shapely geometry (or None) per feature; points are built in one vector call."""
    geoms = np.empty(len(features), dtype=object)
    point_at, xy = [], []
    for i, feature in enumerate(features):
        geojson = feature.get("geometry")
        if not isinstance(geojson, dict):
            continue
        if geojson.get("type") == "Point":
            coords = _point(geojson)
            if coords is not None:
                point_at.append(i)
                xy.append(coords)
        else:
            geoms[i] = _geometry(geojson)
    if point_at:
        geoms[np.asarray(point_at)] = shapely.points(np.asarray(xy, dtype=float))
    return geoms


class LayerIndex:
    """Indexes over one layer's features (in file order) answering bbox, time and value queries.

    Built once and never modified, so it is safe to share between threads. Results are arrays
    of positions into ``features``, ascending, so paging keeps the layer's own order.
    """

    def __init__(
        self,
        features: Sequence[dict],
        span_of: SpanOf,
        fields: dict[str, ValuesOf] | None = None,
    ):
        self.features = features
        n = len(features)
        geoms = _geometries(features)
        starts = np.zeros(n, dtype=np.int64)
        ends = np.zeros(n, dtype=np.int64)
        dated = np.zeros(n, dtype=bool)
        for i, feature in enumerate(features):
            span = span_of(feature.get("properties") or {})
            if span is not None:
                starts[i], ends[i] = span
                dated[i] = True
        self.tree = shapely.STRtree(geoms)
        self.geoms = geoms
        # A point meets a box exactly when its envelope does, so only other shapes need the
        # (much slower) exact test.
        self.exact = shapely.get_type_id(geoms) > 0
        present = geoms[shapely.is_geometry(geoms)] if n else geoms
        self.bounds: Box | None = None
        if len(present):
            west, south, east, north = (float(v) for v in shapely.total_bounds(present))
            self.bounds = (west, south, east, north)
        self.starts, self.ends, self.dated = starts, ends, dated
        dated_positions = np.flatnonzero(dated)
        order = np.argsort(starts[dated_positions], kind="stable")
        self.by_start = dated_positions[order]
        self.sorted_starts = starts[self.by_start]
        self.span: tuple[int, int] | None = (
            (int(starts[dated].min()), int(ends[dated].max())) if dated.any() else None
        )
        self._fields = dict(fields or {})
        self._postings: dict[str, dict[str, np.ndarray]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.features)

    def postings(self, name: str) -> dict[str, np.ndarray]:
        """Return ``value -> positions`` for a filterable field, built on first use."""
        with self._lock:
            table = self._postings.get(name)
            if table is None:
                values_of = self._fields[name]
                lists: dict[str, list[int]] = {}
                for i, feature in enumerate(self.features):
                    for value in set(values_of(feature.get("properties") or {})):
                        lists.setdefault(value, []).append(i)
                table = {value: np.asarray(pos, dtype=np.int64) for value, pos in lists.items()}
                self._postings[name] = table
            return table

    def _in_box(self, box: Box) -> np.ndarray:
        area = shapely.box(*box)
        hits = self.tree.query(area)
        check = hits[self.exact[hits]]
        if len(check):
            shapely.prepare(area)
            hits = np.union1d(
                hits[~self.exact[hits]], check[shapely.intersects(area, self.geoms[check])]
            )
        return np.sort(hits).astype(np.int64)

    def _in_boxes(self, boxes: Sequence[Box]) -> np.ndarray:
        hits = [self._in_box(box) for box in boxes]
        if len(hits) == 1:
            return hits[0]
        return np.unique(np.concatenate(hits)) if hits else _EMPTY

    def _in_time(self, start: int | None, end: int | None) -> np.ndarray:
        stop = len(self.by_start)
        if end is not None:
            stop = int(np.searchsorted(self.sorted_starts, end, side="right"))
        positions = self.by_start[:stop]
        if start is not None:
            positions = positions[self.ends[positions] >= start]
        return np.sort(positions)

    def query(
        self,
        boxes: Sequence[Box] | None = None,
        span: tuple[int | None, int | None] | None = None,
        filters: Sequence[tuple[str, str]] = (),
    ) -> np.ndarray:
        """Return the ascending positions of features matching every given criterion.

        ``boxes``: the geometry intersects any of them; ``span``: the feature's day span
        overlaps it (undated features never match); ``filters``: ``(field, value)`` equalities.
        """
        found: np.ndarray | None = None
        if boxes is not None:
            found = self._in_boxes(boxes)
        for name, value in filters:
            posting = self.postings(name).get(value, _EMPTY)
            found = posting if found is None else np.intersect1d(found, posting, assume_unique=True)
        if span is not None:
            start, end = span
            if found is None:
                found = self._in_time(start, end)
            else:
                keep = self.dated[found]
                if end is not None:
                    keep &= self.starts[found] <= end
                if start is not None:
                    keep &= self.ends[found] >= start
                found = found[keep]
        if found is None:
            return np.arange(len(self.features), dtype=np.int64)
        return found


class IndexCache:
    """Layer indexes for the store's current snapshot, rebuilt when it hands out a new one.

    Keyed on the snapshot object itself (held weakly), so data reloaded from disk is indexed
    afresh and an old snapshot's indexes are dropped with it.
    """

    def __init__(self, build: Callable[[Sequence[dict]], LayerIndex]):
        self._build = build
        self._lock = threading.Lock()
        self._snapshot: weakref.ref | None = None
        self._indexes: dict[str, LayerIndex] = {}

    def get(self, snapshot: object, layer_id: str, features: Sequence[dict]) -> LayerIndex:
        """Return the index of layer ``layer_id`` of ``snapshot``, building it once."""
        with self._lock:
            if self._snapshot is None or self._snapshot() is not snapshot:
                self._snapshot = weakref.ref(snapshot)
                self._indexes = {}
            index = self._indexes.get(layer_id)
            if index is None:
                index = self._indexes[layer_id] = self._build(features)
            return index
