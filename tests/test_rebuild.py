"""`mapapp build`: every partition rebuilt from the articles, over several processes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mapapp.pipeline import rebuild
from mapapp.pipeline.ingest import ingest
from mapapp.pipeline.rebuild import build_all
from mapapp.store.layers import Store

REPO = Path(__file__).resolve().parents[1]
ARTICLES = sorted((REPO / "tests" / "articles").glob("*.md"))


def partitions(data_dir: Path) -> dict[str, dict]:
    return {
        p.name: json.loads(p.read_text("utf-8")) for p in sorted((data_dir / "features").iterdir())
    }


def test_a_parallel_build_makes_exactly_what_ingest_made(
    data_dir: Path, lexicons, monkeypatch
) -> None:
    ingest(ARTICLES, data_dir, lexicons)
    made = partitions(data_dir)
    assert len(made) == len(ARTICLES) + 2
    for path in (data_dir / "features").iterdir():
        path.unlink()
    monkeypatch.setattr(rebuild, "_PARALLEL_FROM", 2)  # the bundled archive is small
    change = build_all(data_dir, lexicons, workers=2)
    assert partitions(data_dir) == made
    assert change.added and not change.removed
    assert not build_all(data_dir, lexicons, check=True).changed


def test_a_build_removes_the_partition_of_a_deleted_article(data_dir: Path, lexicons) -> None:
    ingest(ARTICLES[:1], data_dir, lexicons)
    gone = ARTICLES[0].stem
    store = Store(data_dir)
    assert store.article_info(gone).id == gone
    (data_dir / "articles" / ARTICLES[0].name).unlink()
    change = build_all(data_dir, lexicons, workers=1)
    assert change.removed and not (data_dir / "features" / f"{gone}.geojson").exists()
    assert gone not in [a.id for a in store.articles(100)]


def test_check_writes_nothing(data_dir: Path, lexicons, tmp_path: Path) -> None:
    shutil.copy(ARTICLES[0], data_dir / "articles" / ARTICLES[0].name)
    change = build_all(data_dir, lexicons, check=True)
    assert change.changed and change.added
    assert not (data_dir / "features" / f"{ARTICLES[0].stem}.geojson").exists()
