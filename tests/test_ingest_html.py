"""Saved web pages (.html): the main text and the page's metadata, extracted by trafilatura;
the editor's options correct them; a date is never guessed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from mapapp.core.errors import InvalidArticle
from mapapp.sources.articles import parse_article
from mapapp.sources.plaintext import TextMeta
from mapapp.sources.webpage import html_article

TITLE = "Nga điều thêm quân gìn giữ hòa bình tới Nagorno-Karabakh"
PARAGRAPHS = [
    "Ngày 25/11, Bộ Quốc phòng Nga cho biết đã điều thêm 200 binh sĩ tới Stepanakert. "
    "Lực lượng này sẽ bảo đảm an ninh trên hành lang Lachin.",
    "Theo Bộ trưởng Sergei Shoigu, 23 trạm quan sát đã được triển khai ở Nagorno-Karabakh, "
    "và việc rà phá bom mìn tiếp tục {{ 7*7 }} trong tuần tới.",
    "Các chuyến bay chở hàng cứu trợ nhân đạo đã hạ cánh xuống sân bay Yerevan trong ngày.",
]


def _page(head: str = "", dateline: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} | Báo Thử</title>{head}</head><body>
<nav><a href="/">Trang chủ</a> | <a href="/the-gioi">Thế giới</a> | Đăng nhập</nav>
<script>alert("not text")</script>
<article><h1>{TITLE}</h1>{dateline}{body}</article>
<aside>Tin liên quan: Giá vàng hôm nay tăng mạnh</aside>
<footer>Bản quyền © Báo Thử. Địa chỉ: 1 phố Thử, Hà Nội.</footer></body></html>"""


META = """
<link rel="canonical" href="https://bao.example/the-gioi/nga-dieu-them-quan-123.html">
<meta property="og:site_name" content="Báo Thử">
<meta property="og:title" content="{TITLE}">
<meta property="article:published_time" content="2020-11-26T08:30:00+07:00">
""".replace("{TITLE}", TITLE)


def _front(stored: str) -> tuple[dict, str]:
    _, head, body = stored.split("---\n", 2)
    return yaml.safe_load(head), body


def test_a_page_gives_its_main_text_title_date_address_and_outlet() -> None:
    stored = html_article(_page(META), "nga.html", TextMeta())
    meta, body = _front(stored)
    assert meta["title"] == TITLE
    assert meta["published"] == dt.date(2020, 11, 26) and "published_note" not in meta
    assert meta["url"] == "https://bao.example/the-gioi/nga-dieu-them-quan-123.html"
    assert meta["source"] == "Báo Thử" and meta["seed_file"] == "nga.html"
    assert body == "\n\n".join(PARAGRAPHS) + "\n", "the main text, verbatim, nothing else"
    article = parse_article(stored, "nga.html")
    assert article.published == dt.date(2020, 11, 26) and "{{ 7*7 }}" in article.body
    assert "alert" not in body and "Bản quyền" not in body and "Trang chủ" not in body


def test_the_editor_s_options_win_over_the_page() -> None:
    given = TextMeta(title="Tiêu đề khác", published=dt.date(2020, 11, 27), source="TTXVN")
    meta, _ = _front(html_article(_page(META), "nga.html", given))
    assert (meta["title"], meta["published"], meta["source"]) == (
        "Tiêu đề khác",
        dt.date(2020, 11, 27),
        "TTXVN",
    )


def test_a_page_without_a_date_is_dated_by_its_dateline_or_refused() -> None:
    dateline = "<p>HÀ NỘI, 26/11/2020 - (Báo Thử) Tin từ Moskva.</p>"
    meta, _ = _front(html_article(_page(dateline=dateline), "a.html", TextMeta()))
    assert meta["published"] == dt.date(2020, 11, 26)
    assert meta["published_note"].startswith("inferred: the dateline's date (26/11/2020)")
    with pytest.raises(InvalidArticle, match="--published"):
        html_article(_page(), "b.html", TextMeta())
    meta, _ = _front(html_article(_page(), "b.html", TextMeta(published=dt.date(2020, 1, 2))))
    assert meta["published"] == dt.date(2020, 1, 2)


def test_a_page_without_an_article_is_refused() -> None:
    empty = "<html><head><title>x</title></head><body><nav>Menu</nav></body></html>"
    with pytest.raises(InvalidArticle, match="no article text"):
        html_article(empty, "menu.html", TextMeta(published=dt.date(2020, 1, 2)))


def test_a_saved_page_is_ingested_and_mapped(data_dir: Path, run_cli, tmp_path: Path) -> None:
    page = tmp_path / "nga-dieu-them-quan.html"
    page.write_text(_page(META), encoding="utf-8")
    result = run_cli("ingest", str(page), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    stored = sorted((data_dir / "articles").glob("2020-11-26-*.md"))
    assert len(stored) == 1
    meta, body = _front(stored[0].read_text("utf-8"))
    assert meta["url"].startswith("https://bao.example/") and body.startswith("Ngày 25/11")
    assert "place-stepanakert" in result.stdout or "event-2020-11-26" in result.stdout
