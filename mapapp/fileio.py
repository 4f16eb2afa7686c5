"""Atomic, locked file writes: a reader never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

__all__ = ["atomic_write", "data_lock"]

#: Seconds a writer waits for another writer before giving up.
LOCK_TIMEOUT = 60


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, fsync and ``os.replace``.

    A crash at any point leaves either the old file or the new one, never a mix.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600 files; data files are meant to be readable like any other.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def data_lock(data_dir: Path):
    """Hold the data directory's write lock (a file lock shared by all processes)."""
    with FileLock(str(Path(data_dir) / ".lock"), timeout=LOCK_TIMEOUT):
        yield
