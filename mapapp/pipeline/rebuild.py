"""Rebuild every partition from the articles, over several processes, writing in batches."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mapapp.geoparse import Gazetteer, Lexicons
from mapapp.pipeline.build import ArticleReader, Builder
from mapapp.pipeline.curation import Curation
from mapapp.pipeline.geometry import ReferenceGeometry
from mapapp.pipeline.ingest import (
    Change,
    diff_parts,
    inputs_of,
    lexicons_for,
    proposals_of,
    shared_changes,
    warnings_of,
)
from mapapp.store.datadir import DataDir
from mapapp.store.layers import Store

__all__ = ["build_all", "WRITE_BATCH"]

#: Partitions written (and indexed) per transaction: bounds the memory a build holds.
WRITE_BATCH = 500
#: Below this many articles one process builds them all (a worker's start costs more).
_PARALLEL_FROM = 64
_CHUNK = 16

# What each worker process builds with, set before the pool forks (copied, not reloaded).
_WORKER: dict = {}


def _builder(datadir: DataDir, lexicons: Lexicons) -> Builder:
    return Builder(
        ArticleReader(Store(datadir)),
        lexicons.gazetteer,
        Curation.load(datadir.curation),
        ReferenceGeometry(datadir),
    )


Built = tuple[str, dict | None, list[str]]


def _build_chunk(ids: list[str]) -> list[Built]:
    """Build the partitions of some articles (in a worker): (id, partition, warnings)."""
    datadir, lexicons = _WORKER["datadir"], _WORKER["lexicons"]
    builder = _builder(datadir, lexicons)
    out: list[Built] = []
    for aid in ids:
        article = builder.articles.get(aid)
        if article is None:
            out.append((aid, None, []))
            continue
        proposals, lines, _ = proposals_of(article, lexicons)
        part = builder.article_part(aid, proposals)
        out.append((aid, part, warnings_of(article, lines, builder)))
    return out


def _chunks(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _results(ids: list[str], workers: int) -> Iterator[Built]:
    if workers <= 1 or len(ids) < _PARALLEL_FROM or os.name != "posix":
        for chunk in _chunks(ids, _CHUNK):
            yield from _build_chunk(chunk)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for built in pool.map(_build_chunk, _chunks(ids, _CHUNK)):
            yield from built


def build_all(
    datadir: DataDir | Path,
    lexicons: Lexicons | Gazetteer | None = None,
    check: bool = False,
    workers: int | None = None,
    lock_timeout: float | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> Change:
    """Rebuild every partition of ``datadir`` from its articles (``check``: write nothing).

    Articles are geoparsed by ``workers`` processes (default: one per core); partitions are
    diffed against the stored ones and written ``WRITE_BATCH`` at a time, so memory holds one
    batch, not the archive. Partitions whose article file is gone are removed.
    ``progress(iterable, total)`` wraps the loop over articles (a progress bar).
    """
    datadir = DataDir.of(datadir)
    lexicons = lexicons_for(datadir, lexicons)
    store = Store(datadir)
    workers = workers or os.cpu_count() or 1
    change = Change()
    with store.lock(timeout=lock_timeout):
        store.refresh_for_write()
        builder = _builder(datadir, lexicons)
        builder.check_curation()
        ids = store.article_ids()
        stale = sorted(set(store.part_names()) - set(ids))
        _WORKER.update(datadir=datadir, lexicons=lexicons)
        pending: dict[str, dict | None] = {}
        results: Iterable = _results(ids, workers)
        if progress:
            results = progress(results, len(ids))
        for aid, part, lines in results:
            change.warnings.extend(lines)
            diff = diff_parts(store.read_part(aid), part, aid)
            change.merge(diff)
            if diff.parts:
                pending[aid] = part
            if not check and len(pending) >= WRITE_BATCH:
                store.write(pending, {})
                pending = {}
        for aid in stale:
            change.merge(diff_parts(store.read_part(aid), None, aid))
            pending[aid] = None
        pending.update(shared_changes(store, builder, change))
        if check:
            return change
        store.write(pending, {}, meta={"inputs": inputs_of(datadir, builder)})
    return change
