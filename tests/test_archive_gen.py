"""The archive generator: counts, verbatim quotes, the data contract, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archive_gen import generate

from mapapp.pipeline.validate import validate
from mapapp.sources.articles import read_article
from mapapp.store import Store

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Return a generated archive of 500 events (50 articles) and what ``generate`` reported."""
    datadir = tmp_path_factory.mktemp("archive") / "geodata"
    return datadir, generate(datadir, 500, seed=7)


def _partitions(datadir: Path) -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text("utf-8"))
        for path in sorted((datadir / "features").glob("*.geojson"))
    }


def test_counts(archive: tuple[Path, dict]) -> None:
    datadir, result = archive
    assert (result["articles"], result["events"]) == (50, 500)
    parts = _partitions(datadir)
    real = {p.stem for p in (GEODATA / "articles").glob("*.md")}
    assert set(parts) == real | {f"g7-{i:07d}" for i in range(50)}
    events, places = set(), set()
    for part in parts.values():
        for feature in part["features"]:
            layer = feature["properties"]["layer"]
            (events if layer == "events" else places).add(feature["id"])
    store = Store(datadir)
    counts = store.layer_counts()
    assert (
        counts["events"]
        == len(events)
        == 500
        + sum(
            1
            for name in real
            for f in parts[name]["features"]
            if f["properties"]["layer"] == "events"
        )
    )
    assert counts["places"] == len(places)
    assert result["places"] <= len(places)
    assert store.article_count() == 50 + len(real)


def test_quotes_are_the_articles_sentences(archive: tuple[Path, dict]) -> None:
    datadir, _ = archive
    for aid, part in _partitions(datadir).items():
        if not aid.startswith("g7-"):
            continue
        article = read_article(datadir / "articles" / f"{aid}.md")
        assert part["article"]["published"] == article.published.isoformat()
        events = [f for f in part["features"] if f["properties"]["layer"] == "events"]
        assert len(article.sentences) == len(events) + 2  # an opening and a closing sentence
        for feature in part["features"]:
            props = feature["properties"]
            for source in props["sources"]:
                sentence = article.sentence(source["sentence"])
                assert source["quote"] == sentence.text
                assert source["url"] == f"/articles/{aid}#s{sentence.number}"
                for start, end in source.get("spans", []):
                    assert source["quote"][start:end] == props["name_vi"]


def test_validates(archive: tuple[Path, dict]) -> None:
    datadir, _ = archive
    assert validate(Store(datadir)) == []


def test_deterministic(archive: tuple[Path, dict], tmp_path: Path) -> None:
    datadir, _ = archive
    again = tmp_path / "again"
    generate(again, 500, seed=7)
    for sub in ("articles", "features"):
        first = {p.name: p.read_bytes() for p in (datadir / sub).iterdir()}
        second = {p.name: p.read_bytes() for p in (again / sub).iterdir()}
        assert first == second
