"""Plain-text articles (.txt): the editor's flags give what a Markdown file's front matter
would; what is missing is taken from the text only where that is sure, and marked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from mapapp.core.errors import InvalidArticle
from mapapp.sources.plaintext import TextMeta, text_article

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seeds"
#: The seed texts and the articles committed from them (geodata/articles/).
SEED_ARTICLES = {
    "000_817ee41d64e8e3a4.txt": "2020-11-25-putin-erdogan-call",
    "003_45a830209e8bf0cf.txt": "2020-11-17-russia-humanitarian-centre",
}


def _front_matter(article_id: str) -> dict:
    text = (REPO / "geodata" / "articles" / f"{article_id}.md").read_text("utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def _flags(meta: dict) -> list[str]:
    return [
        "--id", meta["id"], "--title", meta["title"], "--source", meta["source"],
        "--published", meta["published"].isoformat(), "--title-note", meta["title_note"],
        "--published-note", meta["published_note"],
    ]  # fmt: skip


@pytest.mark.parametrize("seed", sorted(SEED_ARTICLES))
def test_a_seed_text_ingests_to_exactly_its_committed_article(
    seed: str, data_dir: Path, run_cli
) -> None:
    article_id = SEED_ARTICLES[seed]
    committed = (data_dir / "articles" / f"{article_id}.md").read_bytes()
    partition = json.loads((data_dir / "features" / f"{article_id}.geojson").read_bytes())
    (data_dir / "articles" / f"{article_id}.md").unlink()
    (data_dir / "features" / f"{article_id}.geojson").unlink()
    flags = _flags(_front_matter(article_id))
    result = run_cli("ingest", str(SEEDS / seed), "--data-dir", str(data_dir), *flags)
    assert result.returncode == 0, result.stderr
    assert (data_dir / "articles" / f"{article_id}.md").read_bytes() == committed
    rebuilt = json.loads((data_dir / "features" / f"{article_id}.geojson").read_bytes())
    assert rebuilt == partition
    again = run_cli("ingest", str(SEEDS / seed), "--data-dir", str(data_dir), *flags)
    assert "0 article file(s) new or changed" in again.stdout, "the same text: unchanged"


def test_without_a_date_the_error_names_the_flag_and_nothing_is_written(
    data_dir: Path, run_cli
) -> None:
    before = sorted(p.name for p in (data_dir / "articles").iterdir())
    seed = SEEDS / "000_817ee41d64e8e3a4.txt"
    result = run_cli("ingest", str(seed), "--data-dir", str(data_dir))
    assert result.returncode != 0
    assert "--published" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (data_dir / "articles").iterdir()) == before


def test_a_dateline_date_is_taken_and_marked_inferred() -> None:
    text = (
        "HÀ NỘI, 25/11/2020 - Chính phủ thông báo kế hoạch mới cho tỉnh Quảng Ninh. Theo đó,\n"
        "các công trình sẽ khởi công ngày 1/12/2020.\n\nĐoạn thứ hai của bài."
    )
    stored = text_article(text, "tin.txt", TextMeta())
    meta = yaml.safe_load(stored.split("---\n", 2)[1])
    assert meta["published"] == dt.date(2020, 11, 25)
    assert meta["published_note"] == "inferred: the dateline's date (25/11/2020)"
    first = "HÀ NỘI, 25/11/2020 - Chính phủ thông báo kế hoạch mới cho tỉnh Quảng Ninh."
    assert meta["title"] == first
    assert meta["title_note"].startswith("the text's first sentence")
    assert meta["id"].startswith("2020-11-25-ha-noi-25-11-2020-chinh-phu-thong-bao")
    assert meta["seed_file"] == "tin.txt" and meta["source"] == "unknown"
    body = stored.split("---\n", 2)[2]
    assert body.startswith("HÀ NỘI, 25/11/2020 - Chính phủ") and "Theo đó, các công trình" in body
    assert body.endswith("\n\nĐoạn thứ hai của bài.\n")


@pytest.mark.parametrize(
    "text",
    [
        "Hôm qua, ngày 24/11, hai bên đã điện đàm.",  # no year: not sure
        "Ngày 24/11/2020 và ngày 25/11/2020 có hai cuộc gặp.",  # two dates: not sure
        "Sự kiện diễn ra ngày 31/02/2020.",  # no such day
    ],
)
def test_a_dateline_that_is_not_sure_is_not_taken(text: str) -> None:
    with pytest.raises(InvalidArticle, match="--published"):
        text_article(text, "tin.txt", TextMeta())


def test_an_empty_text_is_refused() -> None:
    with pytest.raises(InvalidArticle, match="empty"):
        text_article(" \n\n \n", "blank.txt", TextMeta(published=dt.date(2020, 1, 1)))


def test_text_flags_need_a_text_and_one_text_flags_need_one_text(
    data_dir: Path, run_cli, tmp_path: Path
) -> None:
    markdown = data_dir / "articles" / "2020-11-25-putin-erdogan-call.md"
    result = run_cli("ingest", str(markdown), "--data-dir", str(data_dir), "--title", "X")
    assert result.returncode == 2 and "--title describes a plain-text" in result.stderr
    folder = tmp_path / "texts"
    folder.mkdir()
    for name in sorted(SEED_ARTICLES):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    both = run_cli("ingest", str(folder), "--data-dir", str(data_dir), "--id", "x-1")
    assert both.returncode == 2 and "--id describes one text" in both.stderr
    # --published and --source may describe a batch: a folder of texts of one day.
    batch = run_cli(
        "ingest", str(folder), "--data-dir", str(data_dir), "--published", "2020-11-26",
        "--source", "TTXVN", "--dry-run",
    )  # fmt: skip
    assert batch.returncode == 0, batch.stderr
    assert "2 article file(s) new or changed" in batch.stdout


def test_an_article_not_in_vietnamese_is_stored_with_a_warning(
    data_dir: Path, run_cli, tmp_path
) -> None:
    english = tmp_path / "english.txt"
    english.write_text(
        "Russian peacekeepers arrived in Stepanakert on Tuesday, the defence ministry in Moscow "
        "said, adding that twenty-three observation posts had been set up along the corridor.\n",
        encoding="utf-8",
    )
    result = run_cli(
        "ingest", str(english), "--data-dir", str(data_dir), "--published", "2020-11-24",
        "--title", "Peacekeepers arrive",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "english.txt: the text does not look Vietnamese (0% of its words" in result.stderr
    assert "1 article file(s) new or changed" in result.stdout
    assert list((data_dir / "articles").glob("2020-11-24-peacekeepers-arrive.md"))
    seed = run_cli(
        "ingest", str(SEEDS / "003_45a830209e8bf0cf.txt"), "--data-dir", str(data_dir),
        "--published", "2020-11-17", "--title", "Tin",
    )  # fmt: skip
    assert seed.returncode == 0 and "look Vietnamese" not in seed.stderr


def test_the_share_of_vietnamese_words() -> None:
    from mapapp.core.text import vietnamese_share

    assert vietnamese_share((SEEDS / "000_817ee41d64e8e3a4.txt").read_text("utf-8")) > 0.4
    assert vietnamese_share("Les soldats russes sont arrivés à Stepanakert mardi.") == 0
    assert vietnamese_share("") == 0
