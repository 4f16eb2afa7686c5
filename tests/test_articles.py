"""Article files: front matter, body, and the errors for bad input."""

import datetime as dt
import unicodedata

import pytest

from mapapp.core.errors import InvalidArticle
from mapapp.sources.articles import MAX_ARTICLE_BYTES, parse_article, read_article

GOOD = "---\ntitle: Tin\npublished: 2020-11-25\n---\nNgày 24/11, Nga điện đàm.\n"


def test_parse_good_article() -> None:
    article = parse_article(GOOD, "x.md", default_id="x")
    assert article.id == "x"
    assert article.published == dt.date(2020, 11, 25)
    assert article.source == "unknown"
    assert [s.text for s in article.sentences] == ["Ngày 24/11, Nga điện đàm."]


def test_text_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", GOOD)
    assert parse_article(decomposed, "x.md", "x").body == "Ngày 24/11, Nga điện đàm."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Ngày 24/11.", "x.md: no front matter"),
        ("---\ntitle: [unclosed\npublished: 2020-11-25\n---\nBody.", "x.md: broken front matter"),
        ("---\npublished: 2020-11-25\n---\nBody.", "x.md: front matter lacks 'title'"),
        ("---\ntitle: T\n---\nBody.", "x.md: front matter lacks 'published'"),
        ("---\ntitle: T\npublished: 25/11/2020\n---\nBody.", "x.md: 'published' is not an ISO"),
        ("---\ntitle: T\npublished: 2020-02-30\n---\nBody.", "x.md: 'published' is not an ISO"),
        ("---\ntitle: T\npublished: 2020-11-25\n---\n\n  \n", "x.md: the article body is empty"),
        ("---\nid: ../etc\ntitle: T\npublished: 2020-11-25\n---\nB.", "x.md: article id '../etc'"),
    ],
)
def test_bad_articles_name_file_and_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidArticle) as info:
        parse_article(text, "x.md", "x")
    assert info.value.message.startswith(message)


def test_not_utf8(tmp_path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"---\ntitle: Tin\xe9\npublished: 2020-11-25\n---\nB\xe0i.\n")
    with pytest.raises(InvalidArticle, match=r"^latin.md: not UTF-8 text"):
        read_article(path)


def test_too_large(tmp_path) -> None:
    path = tmp_path / "big.md"
    path.write_text(GOOD + "a" * MAX_ARTICLE_BYTES, "utf-8")
    with pytest.raises(InvalidArticle, match=r"^big.md: file is .* larger than"):
        read_article(path)
