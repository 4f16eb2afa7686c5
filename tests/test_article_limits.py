"""Bounded work per article: only regular files, bounded reads, and limits on what one article
may hold (sentences, their length, place names, dates, figures, events)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from wholelayers import all_features

from mapapp.core.errors import InvalidArticle
from mapapp.geoparse import MAX_EVENTS
from mapapp.geoparse import parse_article as geoparse
from mapapp.geoparse.events import MAX_DATES, MAX_FIGURES, MAX_PLACE_MENTIONS
from mapapp.pipeline.ingest import ingest
from mapapp.sources.articles import (
    MAX_ARTICLE_BYTES,
    MAX_SENTENCE_CHARS,
    MAX_SENTENCES,
    parse_article,
    read_article,
)
from mapapp.store import Store

HEAD = "---\ntitle: T\npublished: 2020-11-25\n---\n"
EVENT = "Ngày 3/11 tại Hà Nội có 5 người chết. "
PLAIN = (
    "Người dân trong vùng vẫn tiếp tục chờ đợi những tin tức mới nhất từ phía chính quyền, "
    "người dân trong vùng vẫn tiếp tục chờ đợi những tin tức mới nhất từ các tổ chức cứu trợ, "
    "người dân trong vùng vẫn tiếp tục chờ đợi những tin tức mới nhất từ các cơ quan báo chí. "
)


def fingerprint(directory: Path) -> dict[str, str]:
    """Hash every file of a data directory but the lock and the index (derived from the
    files, so rebuilt, not changed, when a reader finds it missing)."""
    return {
        str(rel): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
        and p.name != ".lock"
        and (rel := p.relative_to(directory)).parts[0] != ".index"
    }


def read_within(path: Path, seconds: float = 5.0) -> BaseException | None:
    """Run read_article in a thread; fail if it is still reading after ``seconds``."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            read_article(path)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"reading {path.name} did not return within {seconds} s"
    return outcome[0]


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe.md")
    return tmp_path / "pipe.md"


def _device(name: str):
    def make(tmp_path: Path) -> Path:
        if not Path(f"/dev/{name}").exists():
            pytest.skip(f"no /dev/{name}")
        (tmp_path / f"{name}.md").symlink_to(f"/dev/{name}")
        return tmp_path / f"{name}.md"

    return make


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder.md").mkdir()
    return tmp_path / "folder.md"


def _link_to_fifo(tmp_path: Path) -> Path:
    (tmp_path / "link.md").symlink_to(_fifo(tmp_path))
    return tmp_path / "link.md"


def _link_to_directory(tmp_path: Path) -> Path:
    (tmp_path / "dirlink.md").symlink_to(_directory(tmp_path))
    return tmp_path / "dirlink.md"


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_fifo, "a FIFO"),
        (_device("zero"), "a character device"),
        (_device("urandom"), "a character device"),
        (_directory, "a directory"),
        (_link_to_fifo, "a FIFO"),
        (_link_to_directory, "a directory"),
    ],
    ids=["fifo", "dev-zero", "dev-urandom", "directory", "link-to-fifo", "link-to-directory"],
)
def test_only_regular_files_are_read(tmp_path: Path, make, kind: str) -> None:
    path = make(tmp_path)
    started = time.perf_counter()
    error = read_within(path)
    assert isinstance(error, InvalidArticle)
    assert error.message == f"{path.name}: not a regular file ({kind}); only files are read"
    assert time.perf_counter() - started < 1.0


def test_a_fifo_given_to_ingest_is_one_line_and_writes_nothing(
    data_dir: Path, tmp_path: Path, run_cli
) -> None:
    pipe = _fifo(tmp_path)
    before = fingerprint(data_dir)
    result = run_cli("ingest", str(pipe), "--data-dir", str(data_dir))
    assert result.returncode == 1
    assert result.stderr == "Error: pipe.md: not a regular file (a FIFO); only files are read\n"
    assert fingerprint(data_dir) == before


def test_the_read_is_bounded_by_the_limit_not_by_stat(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "grown.md"
    path.write_bytes((HEAD + "Câu một. " * 200_000).encode())
    real_fstat, real_read = os.fstat, os.read
    read = {"bytes": 0}

    def small_fstat(fd):  # a file that says it is tiny (or grew after the check)
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid,
                               st.st_gid, 100, st.st_atime, st.st_mtime, st.st_ctime))  # fmt: skip

    def counting_read(fd, n):
        data = real_read(fd, n)
        read["bytes"] += len(data)
        return data

    monkeypatch.setattr(os, "fstat", small_fstat)
    monkeypatch.setattr(os, "read", counting_read)
    with pytest.raises(InvalidArticle) as info:
        read_article(path)
    assert info.value.message == "grown.md: file is larger than the 1,000,000 byte limit"
    assert read["bytes"] == MAX_ARTICLE_BYTES + 1


def test_too_many_sentences() -> None:
    with pytest.raises(InvalidArticle) as info:
        parse_article(HEAD + "Câu một. " * (MAX_SENTENCES + 1), "x.md", "x")
    assert info.value.message == "x.md: 5,001 sentences, more than the 5,000 sentence limit"
    assert len(parse_article(HEAD + "Câu một. " * MAX_SENTENCES, "x.md", "x").sentences) == 5000


def test_a_sentence_too_long() -> None:
    long = "Câu " + "rất " * (MAX_SENTENCE_CHARS // 4) + "dài."
    with pytest.raises(InvalidArticle) as info:
        parse_article(HEAD + "Câu một. " + long, "x.md", "x")
    assert info.value.message == (
        f"x.md: sentence 2 is {len(long):,} characters long, more than the 3,000 character limit"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (EVENT * (MAX_EVENTS + 1), "proposes more than the 500 events allowed in one article"),
        (
            ("Hà Nội, Moskva, Baku, Yerevan, " * 50 + "Hà Nội. ") * (MAX_PLACE_MENTIONS // 200),
            "has more than the 2,000 place names allowed in one article",
        ),
        (
            ("Ngày 31/2, " * 100 + "xong. ") * (MAX_DATES // 90),
            "has more than the 2,000 dates allowed in one article",
        ),
        (
            ("Có 5 người chết, " * 100 + "xong. ") * (MAX_FIGURES // 90),
            "has more than the 2,000 figures allowed in one article",
        ),
    ],
    ids=["events", "place-names", "dates", "figures"],
)
def test_limits_per_article_name_the_file_and_the_limit(lexicons, body: str, message) -> None:
    article = parse_article(HEAD + body, "x.md", "x")
    with pytest.raises(InvalidArticle) as info:
        geoparse(article, lexicons)
    assert info.value.message == f"x.md: {message}"


def test_an_article_at_the_event_limit_is_accepted(lexicons) -> None:
    article = parse_article(HEAD + EVENT * MAX_EVENTS, "x.md", "x")
    assert len(geoparse(article, lexicons).events) == MAX_EVENTS


def _near_limit(prefix: str) -> str:
    """``prefix``, then plain sentences up to just under the size and sentence limits."""
    room = MAX_ARTICLE_BYTES - 1_000 - len((HEAD + prefix).encode())
    sentences = MAX_SENTENCES - prefix.count(". ") - prefix.count(".\n")
    return HEAD + prefix + PLAIN * max(0, min(room // len(PLAIN.encode()), sentences))


def _fill(sentence: str) -> str:
    room = MAX_ARTICLE_BYTES - 1_000 - len(HEAD.encode())
    return HEAD + sentence * (room // len(sentence.encode()))


#: Hostile articles just under the 1 MB limit, each aimed at one part of the work.
HOSTILE = {
    # 480 events, 1,180 place names, 700 impossible dates, 1,180 figures, the rest plain text
    "dense-but-accepted": _near_limit(
        "Ở Moskva và Baku có 3 chuyến bay, hôm 31/2 như vậy.\n\n" * 700 + EVENT * 480
    ),
    "an-event-per-sentence": _near_limit(EVENT * 600),
    "short-sentences": _fill(EVENT),
    "place-names": _fill("Hà Nội, Moskva, Baku, Yerevan, " * 60 + "Hà Nội. "),
    "impossible-dates": _fill("Ngày 31/2, " * 150 + "xong. "),
    "figures": _fill("Có 5 người chết, " * 100 + "xong. "),
    "chained-figures": _fill("Có " + ", ".join(str(i % 90 + 1) for i in range(600)) + " người. "),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_article_under_the_size_limit_is_bounded(
    data_dir: Path, gazetteer, tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.md"
    path.write_text(HOSTILE[name], "utf-8")
    assert MAX_ARTICLE_BYTES - 5_000 < path.stat().st_size <= MAX_ARTICLE_BYTES
    before = fingerprint(data_dir)
    served = all_features(Store(data_dir))
    started = time.perf_counter()
    try:
        change = ingest([path], data_dir, gazetteer)
    except InvalidArticle as exc:
        elapsed = time.perf_counter() - started
        assert exc.message.startswith(f"{name}.md: ") and "\n" not in exc.message
        assert fingerprint(data_dir) == before
        assert all_features(Store(data_dir)) == served
    else:
        elapsed = time.perf_counter() - started
        assert len(change.added) <= MAX_EVENTS + 10  # its events and a few new places
        part = json.loads((data_dir / "features" / f"{name}.geojson").read_text("utf-8"))
        assert part["article"]["id"] == name
        in_part = [f for f in part["features"] if f["properties"]["layer"] == "events"]
        events = list(Store(data_dir).iter_layer("events"))
        mine = [f for f in events if f["properties"]["sources"][0]["article_id"] == name]
        assert 0 < len(mine) <= MAX_EVENTS
        assert sorted(f["id"] for f in mine) == sorted(f["id"] for f in in_part)
        assert len(change.warnings) <= 25
    assert elapsed < 10.0  # the ingest alone; measured: 1-5 s


def test_the_worst_accepted_article_keeps_the_map_page_light(
    data_dir: Path, gazetteer, tmp_path: Path
) -> None:
    """One accepted article of 1 MB adds a bounded number of features, and the page carries no
    popups (they are fetched when opened): measured 0.14 MB before, 0.83 MB after."""
    from mapapp import create_app

    client = create_app({"DATA_DIR": str(data_dir)}).test_client()
    before = len(client.get("/").data)
    path = tmp_path / "dense.md"
    path.write_text(HOSTILE["dense-but-accepted"], "utf-8")
    ingest([path], data_dir, gazetteer)
    after = len(client.get("/").data)
    assert after - before < 1_000_000, (before, after)
