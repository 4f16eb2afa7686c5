"""Interface language: ?lang=, the remembered choice, Accept-Language."""

import pytest
from bs4 import BeautifulSoup

from mapapp.i18n import MESSAGES, feature_name, negotiate


@pytest.mark.parametrize(
    ("arg", "cookie", "header", "expected"),
    [
        ("vi", None, "en-US,en;q=0.9", "vi"),
        (None, "vi", "en", "vi"),
        ("xx", None, "vi-VN,vi;q=0.9,en;q=0.5", "vi"),
        (None, None, "fr-FR, en;q=0.4, vi;q=0.8", "vi"),
        (None, None, "fr-FR", "en"),
        (None, None, None, "en"),
        (None, None, "vi;q=bad, en;q=0.1", "en"),
    ],
)
def test_negotiate(arg, cookie, header, expected) -> None:
    assert negotiate(arg, cookie, header) == expected


def test_catalogues_have_the_same_keys() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["vi"])


def test_feature_name() -> None:
    props = {"name": "Lachin corridor", "name_vi": "hành lang Lachin"}
    assert feature_name(props, "vi") == "hành lang Lachin"
    assert feature_name(props, "en") == "Lachin corridor"


def _h1(response) -> str:
    return BeautifulSoup(response.data, "html.parser").select_one("h1").text


def test_lang_parameter_is_remembered(client) -> None:
    assert _h1(client.get("/articles")) == "Articles"
    response = client.get("/articles?lang=vi")
    assert _h1(response) == "Bài báo"
    assert "mapapp_lang=vi" in response.headers["Set-Cookie"]
    assert BeautifulSoup(response.data, "html.parser").html["lang"] == "vi"
    # The cookie now carries the choice.
    assert _h1(client.get("/articles")) == "Bài báo"


def test_accept_language_default(client) -> None:
    response = client.get("/articles", headers={"Accept-Language": "vi-VN,vi;q=0.9"})
    assert _h1(response) == "Bài báo"


def test_article_page_feature_names_follow_the_language(client) -> None:
    url = "/articles/2020-11-25-putin-erdogan-call"
    vi = BeautifulSoup(client.get(url + "?lang=vi").data, "html.parser")
    names = [a.text for a in vi.select(".article-features a")]
    assert "Điện đàm Putin – Erdogan" in names
    en = BeautifulSoup(client.get(url + "?lang=en").data, "html.parser")
    assert "Putin–Erdoğan phone call" in [a.text for a in en.select(".article-features a")]
