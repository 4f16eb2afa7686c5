"""Derived data kept beside the index, between processes (the built gazetteer)."""

from __future__ import annotations

import re
from pathlib import Path

from mapapp.store.datadir import DataDir
from mapapp.store.fileio import atomic_write

__all__ = ["FileCache"]

_KEY = re.compile(r"[0-9a-f]{8,64}")


class FileCache:
    """One file a key, ``<folder>/<name>-<key>.bin``, of which only the newest is kept.

    Like the index, it is derived and disposable: bytes that cannot be read are treated as
    missing, and a folder that cannot be written keeps nothing (the caller builds again).
    """

    def __init__(self, folder: Path, name: str):
        self.folder = Path(folder)
        self.name = name

    @classmethod
    def beside_index(cls, datadir: DataDir, name: str) -> FileCache:
        """The cache ``name`` of a data directory, in the index's folder."""
        return cls(datadir.index_file.parent, name)

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / f"{self.name}-{key}.bin"

    def read(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or None."""
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def write(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key``, atomically, and drop the files of other keys."""
        path = self._path(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
            for old in self.folder.glob(f"{self.name}-*.bin"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            return
