"""An article's original address: only http(s) links, refused at parse time, opened safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mapapp.core.errors import InvalidArticle
from mapapp.core.links import http_url_problem, is_http_url, safe_href
from mapapp.pipeline.ingest import ingest
from mapapp.sources.articles import parse_article
from mapapp.store import Store


def article_with_url(url_line: str) -> str:
    return f"---\ntitle: Tin\npublished: 2020-11-25\n{url_line}\n---\nNgày 24/11, Nga điện đàm.\n"


@pytest.mark.parametrize(
    "url",
    [
        "https://vnexpress.net/nga-dien-dam-4200000.html",
        "http://example.com",
        "HTTPS://Example.COM/a?b=c#d",
        "https://example.com:8443/path",
        "http://127.0.0.1/a",
        "http://[2001:db8::1]/a",
    ],
)
def test_http_addresses_are_kept(url: str) -> None:
    article = parse_article(article_with_url(f"url: '{url}'"), "x.md", "x")
    assert article.url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/a",
        "/articles/x",
        "relative/path.html",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "https://exa mple.com/",
        "https://example.com/\x00",
        "https://example.com/\u200b",
        "https:\\\\evil.example",
        "https:///path-only",
        "http://user:pass@example.com/",
        "http://example.com:99999/",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "https:",
    ],
)
def test_other_addresses_are_refused_naming_file_and_field(url: str) -> None:
    with pytest.raises(InvalidArticle) as info:
        parse_article(article_with_url(f"url: {json.dumps(url)}"), "x.md", "x")
    assert info.value.message == f"x.md: front matter 'url' must be an http(s) address: {url!r}"
    assert "\n" not in info.value.message


def test_an_empty_url_means_none() -> None:
    assert parse_article(article_with_url("url:"), "x.md", "x").url is None


def test_a_refused_url_writes_nothing(data_dir: Path, gazetteer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(article_with_url("url: javascript:alert(1)"), "utf-8")

    def files() -> list[str]:  # the index (.index/) is derived, not written data
        return sorted(
            str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if ".index" not in p.parts
        )

    before = files()
    with pytest.raises(InvalidArticle, match=r"^bad.md: front matter 'url' must be"):
        ingest([bad], data_dir, gazetteer)
    assert files() == before


def test_link_helpers() -> None:
    assert is_http_url("https://example.com/a")
    assert not is_http_url(None) and not is_http_url(["https://example.com"])
    assert http_url_problem("javascript:alert(1)") == "only http: and https: addresses are allowed"
    assert safe_href("/articles/a#s1") == "/articles/a#s1"
    assert safe_href("https://example.com/") == "https://example.com/"
    for bad in ("javascript:alert(1)", "//evil.example", "/\\evil.example", "data:,x", 3, None):
        assert safe_href(bad) is None


def test_article_page_links_the_original_with_noopener(client, data_dir: Path) -> None:
    text = article_with_url("url: https://example.com/tin?id=1&x=2").replace(
        "title: Tin", "id: linked\ntitle: Tin"
    )
    (data_dir / "articles" / "linked.md").write_text(text, "utf-8")
    soup = BeautifulSoup(client.get("/articles/linked").data, "html.parser")
    (link,) = soup.select('a[href^="https://example.com/"]')
    assert link["href"] == "https://example.com/tin?id=1&x=2"
    assert set(link["rel"]) == {"noopener", "noreferrer"}


def test_ogc_item_page_links_sources_safely(client, data_dir: Path) -> None:
    store = Store(data_dir)
    part = min(store.part_names())
    collection = store.read_part(part)
    feature = next(f for f in collection["features"] if f["properties"]["layer"] == "events")
    sources = feature["properties"]["sources"]
    good = sources[0]["url"]
    sources.append({**sources[0], "sentence": 99, "url": "javascript:alert(1)"})
    sources.append({**sources[0], "sentence": 98, "url": "//evil.example/x"})
    with store.lock():
        store.write({part: collection}, {})
    response = client.get(f"/ogc/collections/events/items/{feature['id']}?f=html")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    links = soup.select("ol.sources a")
    assert [a["href"] for a in links] == ["http://localhost" + good]  # absolute, as in JSON
    assert all(set(a["rel"]) == {"noopener", "noreferrer"} for a in links)
    text = soup.select_one("ol.sources").get_text()
    assert "sentence 99" in text and "sentence 98" in text  # still listed, just not linked
    assert b"javascript:" not in response.data and b"//evil.example" not in response.data
