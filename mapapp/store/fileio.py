"""Atomic, locked file writes: a reader never sees a half-written file."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from mapapp.core.errors import CannotWrite, DataBusy
from mapapp.store.datadir import DataDir

__all__ = [
    "atomic_write",
    "atomic_write_many",
    "data_lock",
    "lock_holder",
    "remove_stale_temp_files",
    "LOCK_TIMEOUT",
]

#: Seconds a writer waits for another writer before giving up.
LOCK_TIMEOUT = 60
#: The name ``_stage`` gives a file while it is written: ".<name>.<8 random chars>.tmp".
_TEMP_NAME = re.compile(r"\A\..+\.[a-z0-9_]{8}\.tmp\Z")


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a synced temporary file beside ``path`` and return its path.

    CannotWrite names ``path`` when the disk is full or the directory not writable; the
    temporary file is removed then.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CannotWrite(path, exc) from exc
    try:
        try:
            # mkstemp creates 0600 files; data files are meant to be readable like any other.
            os.fchmod(fd, 0o644)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CannotWrite(path, exc) from exc
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


def remove_stale_temp_files(directory: Path) -> list[Path]:
    """Remove the temporary files a killed writer left in ``directory``; return them.

    Call only while holding the directory's lock: then no writer is staging a file, so every
    file named like ours (".<name>.<random>.tmp") is left over. Nothing else is touched.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return removed
    for entry in entries:
        if _TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed


def _now_utc() -> str:
    """Return the time now, as the holder file records it ("2026-11-30 14:02:11 UTC")."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def lock_holder(datadir: DataDir) -> tuple[int, str] | None:
    """Return (pid, since) of the process holding the lock, as it recorded itself, if known."""
    try:
        pid, since = datadir.lock_holder.read_text("utf-8").split(" ", 1)
        return int(pid), since.strip()
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _busy(datadir: DataDir) -> DataBusy:
    """Return the error for a lock wait that timed out, naming who holds the lock if known."""
    holder = lock_holder(datadir)
    who = "another ingest or build holds its lock"
    if holder:
        who = f"another ingest or build (pid {holder[0]}) has held its lock since {holder[1]}"
    return DataBusy(f"data directory {datadir.root} is busy: {who}; try again later")


@contextmanager
def data_lock(datadir: DataDir, timeout: float | None = None):
    """Hold the data directory's write lock (a file lock shared by all processes).

    Waits at most ``timeout`` seconds (default LOCK_TIMEOUT), then raises DataBusy naming the
    directory and, as far as it recorded itself, the process that holds the lock and since when.

    Yields whether the last holder may have been killed while writing: it left its record (a
    holder that ends removes it), or there is none to tell (the record could not be written).
    """
    wait = LOCK_TIMEOUT if timeout is None else timeout
    lock = FileLock(str(datadir.lock), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(datadir) from None
    holder = datadir.lock_holder
    killed = holder.exists()
    try:
        # Who holds the lock is a courtesy for the next writer, not a requirement.
        try:
            holder.write_text(f"{os.getpid()} {_now_utc()}\n", "utf-8")
        except OSError:
            killed = True  # nothing records this holder either: assume the worst
        yield killed
    finally:
        holder.unlink(missing_ok=True)
        lock.release()
