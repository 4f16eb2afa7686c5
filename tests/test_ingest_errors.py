"""Errors stay errors: a busy data directory, a full disk, a killed ingest's leftovers and
impossible dates are each reported in one clear line; nothing is half-written."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from mapapp.cli import cli, main
from mapapp.core.errors import CannotWrite, DataBusy
from mapapp.geoparse import parse_article as geoparse
from mapapp.geoparse.dates import scan_dates
from mapapp.pipeline.ingest import ingest
from mapapp.sources.articles import parse_article
from mapapp.store import DataDir, fileio
from mapapp.store.fileio import atomic_write, data_lock, remove_stale_temp_files
from mapapp.store.layers import Store

REPO = Path(__file__).resolve().parents[1]
WINTER = REPO / "tests" / "articles" / "2021-01-03-lachin-corridor-winter.md"
SINCE = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"

HOLD_LOCK = """
import sys
from pathlib import Path
from mapapp.store.datadir import DataDir
from mapapp.store.fileio import data_lock
with data_lock(DataDir(Path(sys.argv[1]))):
    print("held", flush=True)
    sys.stdin.read()
"""

KILLED_WHILE_WRITING = """
import os, signal, sys
from mapapp.store.layers import Store
store = Store(sys.argv[1])
with store.lock():
    os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # staged, then killed
    store.write({"@routes": {"type": "FeatureCollection", "features": []}}, {"x-1": "x"})
"""

IMPOSSIBLE = (
    "---\ntitle: T\npublished: 2021-03-10\n---\n"
    "Ngày 24/11, Nga điện đàm với Armenia. Tại Baku, ngày 31/02 có họp. "
    "Các bên ký ngày 31/2/2020 tại Moskva. Sáng 30-2, đoàn tới Yerevan. "
    "Ngày 29/2/2020 có mưa ở Hà Nội.\n"
)
IMPOSSIBLE_WARNINGS = [
    "sentence 2: impossible date 'ngày 31/02' ignored",
    "sentence 3: impossible date 'ngày 31/2/2020' ignored",
    "sentence 4: impossible date '30-2' ignored",
]


def fingerprint(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        # The index is derived data (its write-ahead files change on every read).
        if p.is_file() and p.name != ".lock" and ".index" not in p.parts
    }


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    """Run ``mapapp ARGS`` in this process (so monkeypatches apply); return code, out, err."""
    with pytest.raises(SystemExit) as info:
        main(args)
        sys.exit(0)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


@pytest.fixture
def lock_holder(data_dir: Path):
    """Hold the data directory's lock from another process until the test ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "held\n"
    yield proc
    proc.stdin.close()
    proc.wait(timeout=10)


# -- a. a busy data directory --------------------------------------------------------------
def test_a_lock_timeout_names_the_directory_the_holder_and_since_when(
    data_dir: Path, gazetteer, lock_holder
) -> None:
    before = fingerprint(data_dir)
    with pytest.raises(DataBusy) as info:
        ingest([WINTER], data_dir, gazetteer, lock_timeout=0.3)
    assert re.fullmatch(
        rf"data directory {re.escape(str(data_dir))} is busy: another ingest or build "
        rf"\(pid {lock_holder.pid}\) has held its lock since {SINCE}; try again later",
        info.value.message,
    ), info.value.message
    assert fingerprint(data_dir) == before


def test_the_cli_reports_a_busy_directory_in_one_line(data_dir: Path, lock_holder, capsys) -> None:
    code, _, err = run_main(
        ["ingest", str(WINTER), "--data-dir", str(data_dir), "--lock-timeout", "0.3"], capsys
    )
    assert code == 1
    assert re.fullmatch(
        rf"Error: data directory {re.escape(str(data_dir))} is busy: another ingest or build "
        rf"\(pid {lock_holder.pid}\) has held its lock since {SINCE}; try again later\n",
        err,
    ), err


def test_once_the_lock_is_free_the_ingest_goes_through(data_dir: Path, gazetteer) -> None:
    ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        with data_lock(DataDir(data_dir)):
            ready.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    ready.wait(10)
    try:
        with pytest.raises(DataBusy, match=rf"\(pid {os.getpid()}\) has held its lock since"):
            ingest([WINTER], data_dir, gazetteer, lock_timeout=0.2)
    finally:
        release.set()
        holder.join(10)
    assert ingest([WINTER], data_dir, gazetteer, lock_timeout=5).articles
    assert not (data_dir / ".lock.holder").exists()


def test_a_holder_that_did_not_say_who_it_is(tmp_path: Path) -> None:
    with FileLock(str(tmp_path / ".lock")):  # e.g. an older mapapp
        errors: list[DataBusy] = []

        def wait() -> None:
            try:
                with data_lock(DataDir(tmp_path), timeout=0.1):
                    pass
            except DataBusy as exc:
                errors.append(exc)

        waiter = threading.Thread(target=wait)
        waiter.start()
        waiter.join(10)
    assert [e.message for e in errors] == [
        f"data directory {tmp_path} is busy: another ingest or build holds its lock; "
        "try again later"
    ]


# -- b. a full disk --------------------------------------------------------------------------
@pytest.fixture
def disk_full(monkeypatch):
    """Make every write to a file being staged fail with ENOSPC."""
    staged: set[int] = set()
    real_mkstemp, real_write = tempfile.mkstemp, os.write

    def mkstemp(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        staged.add(fd)
        return fd, name

    def write(fd, data):
        if fd in staged:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(fileio.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "write", write)


def test_disk_full_names_the_file_and_leaves_nothing_half_written(
    data_dir: Path, disk_full, capsys
) -> None:
    before = fingerprint(data_dir)
    code, out, err = run_main(["ingest", str(WINTER), "--data-dir", str(data_dir)], capsys)
    assert code == 1 and out == ""
    assert re.fullmatch(
        rf"Error: cannot write {re.escape(str(data_dir))}/[\w./-]+: No space left on device\n",
        err,
    ), err
    assert fingerprint(data_dir) == before
    assert not list(data_dir.rglob("*.tmp"))


def test_cannot_write_is_an_os_error_with_the_file_name(tmp_path: Path, disk_full) -> None:
    target = tmp_path / "places.geojson"
    target.write_bytes(b"old")
    with pytest.raises(CannotWrite) as info:
        atomic_write(target, b"new")
    assert isinstance(info.value, OSError) and info.value.errno == errno.ENOSPC
    assert info.value.filename == str(target)
    assert info.value.message == f"cannot write {target}: No space left on device"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["places.geojson"]


def test_other_os_errors_name_their_file(capsys, monkeypatch, tmp_path: Path) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "g"))

    monkeypatch.setattr(Store, "iter_layer", refuse)
    code, _, err = run_main(["validate", "--data-dir", str(tmp_path / "g")], capsys)
    assert code == 1
    assert err == f"Error: {tmp_path / 'g'}: Permission denied\n"


# -- c. what a killed ingest leaves behind ----------------------------------------------------
def test_a_killed_writers_temporary_files_are_removed_by_the_next_ingest(
    data_dir: Path, gazetteer
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_WRITING, str(data_dir)], cwd=REPO, timeout=60
    )
    assert killed.returncode == -9
    leftovers = sorted(p.name for p in data_dir.rglob(".*.tmp"))
    assert len(leftovers) == 2
    assert {name.split(".")[1] for name in leftovers} == {"routes", "x-1"}
    (data_dir / "articles" / ".old.md.abcd_123.tmp").write_text("staged", "utf-8")
    keep = [data_dir / "notes.tmp", data_dir / ".places.geojson.tmp", data_dir / "x.abcdefgh.tmp"]
    for path in keep:
        path.write_text("not ours", "utf-8")
    ingest([WINTER], data_dir, gazetteer)
    assert sorted(p.name for p in data_dir.rglob("*.tmp")) == sorted(p.name for p in keep)
    assert not (data_dir / ".lock.holder").exists()


def test_stale_temp_files_go_only_under_the_lock_and_only_ours(tmp_path: Path) -> None:
    ours = tmp_path / ".events.geojson.k2j4_x9z.tmp"
    ours.write_text("x", "utf-8")
    (tmp_path / ".dir.abcdefgh.tmp").mkdir()  # not a file: left alone
    # A writer that ended well removed its lock record: nobody looks for its files.
    with Store(tmp_path).lock():
        assert ours.exists()
    # One killed while writing left it: the next writer lists the directories and cleans up.
    (tmp_path / ".lock.holder").write_text("12345 2026-11-30T00:00:00Z\n", "utf-8")
    with Store(tmp_path).lock():
        assert not ours.exists()
        assert (tmp_path / ".dir.abcdefgh.tmp").is_dir()
    assert not (tmp_path / ".lock.holder").exists()
    assert remove_stale_temp_files(tmp_path / "missing") == []


# -- d. impossible dates ---------------------------------------------------------------------
def test_impossible_dates_are_found_not_dropped() -> None:
    dates, problems = scan_dates(
        "ngày 31/02 và 31/2/2020, ngày 30-2 và ngày 1/3", dt.date(2020, 11, 25)
    )
    assert [d.date for d in dates] == ["2020-03-01"]
    assert [p.surface for p in problems] == ["ngày 31/02", "31/2/2020", "ngày 30-2"]
    assert problems[0].message == "impossible date 'ngày 31/02' ignored"


def test_the_geoparser_warns_with_the_sentence_number(lexicons) -> None:
    result = geoparse(parse_article(IMPOSSIBLE, "x.md", "x"), lexicons)
    assert result.warnings == IMPOSSIBLE_WARNINGS
    assert [(e.sentence, e.date) for e in result.events] == [(1, "2020-11-24"), (5, "2020-02-29")]


@pytest.mark.parametrize("dry_run", [True, False])
def test_ingest_prints_impossible_dates_as_warnings(
    data_dir: Path, tmp_path: Path, dry_run: bool
) -> None:
    path = tmp_path / "odd-dates.md"
    path.write_text(IMPOSSIBLE, "utf-8")
    args = ["ingest", str(path), "--data-dir", str(data_dir)] + (["--dry-run"] if dry_run else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: odd-dates.md: {w}" for w in IMPOSSIBLE_WARNINGS
    ]
    assert "warning" not in result.stdout
    assert "1 article file(s) new or changed" in result.stdout.splitlines()[-1]


def test_an_event_with_no_place_anywhere_is_a_warning_not_a_crash(
    data_dir: Path, gazetteer, tmp_path: Path
) -> None:
    path = tmp_path / "nowhere.md"
    path.write_text("---\ntitle: T\npublished: 2020-11-25\n---\nNgày 3/11 có 5 người chết.\n")
    change = ingest([path], data_dir, gazetteer)
    assert change.warnings == [
        "nowhere.md: sentence 1: an event, but the text does not say where: listed without a "
        "place on the map"
    ]
    assert change.articles == ["nowhere"]
    part = json.loads((data_dir / "features" / "nowhere.geojson").read_text("utf-8"))
    (event,) = [f for f in part["features"] if f["properties"]["layer"] == "events"]
    assert event["geometry"] is None and event["properties"]["geo_precision"] == "unplaced"
