"""Atomic, locked file writes: a reader never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

__all__ = ["atomic_write", "atomic_write_many", "data_lock"]

#: Seconds a writer waits for another writer before giving up.
LOCK_TIMEOUT = 60


def _stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a synced temporary file beside ``path`` and return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600 files; data files are meant to be readable like any other.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """Replace several files: all are written and synced first, then renamed in one go.

    A failure while writing leaves every old file as it was; only a crash during the final
    renames (microseconds) can leave some files new and some old.
    """
    staged: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            staged[Path(path)] = _stage(Path(path), data)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    for path, tmp in staged.items():
        os.replace(tmp, path)
    for parent in {path.parent for path in staged}:
        dir_fd = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, fsync and ``os.replace``.

    A crash at any point leaves either the old file or the new one, never a mix.
    """
    atomic_write_many({Path(path): data})


@contextmanager
def data_lock(data_dir: Path):
    """Hold the data directory's write lock (a file lock shared by all processes)."""
    with FileLock(str(Path(data_dir) / ".lock"), timeout=LOCK_TIMEOUT):
        yield
