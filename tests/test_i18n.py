"""Interface language: ?lang=, the remembered choice, Accept-Language."""

import json

import pytest
from bs4 import BeautifulSoup

from mapapp.i18n import MESSAGES, feature_name, negotiate, translator
from mapapp.i18n.wording import format_date, format_span


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


@pytest.mark.parametrize(
    ("value", "lang", "short", "words"),
    [
        ("2020-11-24", "en", False, "24 November 2020"),
        ("2020-11-24", "en", True, "24 Nov 2020"),
        ("2020-11", "en", True, "Nov 2020"),
        ("1994", "en", True, "1994"),
        ("2020-11-24", "vi", False, "ngày 24 tháng 11 năm 2020"),
        ("2020-11-24", "vi", True, "24/11/2020"),
        ("2020-11", "vi", False, "tháng 11 năm 2020"),
        ("2020-11", "vi", True, "11/2020"),
        ("1994", "vi", False, "năm 1994"),
        ("soon", "vi", False, "soon"),
    ],
)
def test_dates_in_words(value: str, lang: str, short: bool, words: str) -> None:
    assert format_date(value, lang, short) == words


@pytest.mark.parametrize(
    ("start", "end", "lang", "words"),
    [
        ("2020-11-23", "2020-11-24", "en", "23–24 Nov 2020"),
        ("2020-11-23", "2020-11-24", "vi", "23–24/11/2020"),
        ("1988-02", "1994-05", "en", "Feb 1988 – May 1994"),
        ("1988-02", "1994-05", "vi", "2/1988 – 5/1994"),
        ("2020-11-24", None, "en", "24 Nov 2020"),
    ],
)
def test_date_spans_in_words(start, end, lang, words) -> None:
    assert format_span(start, end, lang, short=True) == words


def test_figures_in_vietnamese() -> None:
    t = translator("vi")
    assert t.quantity("killed", 4000, "more_than") == "hơn 4.000 người thiệt mạng"
    assert t.quantity("refugees", 1000, "thousands") == "hàng nghìn người tị nạn"
    assert t.quantity("km", 28.5) == "28,5 km"
    assert t.quantity("aircraft:IL-76", 2) == "2 máy bay (IL-76)"
    assert t.quantity("tents", 3) == "3 tents", "an unknown unit is shown as its key"


def test_translator_falls_back_to_english_then_the_key() -> None:
    t = translator("vi")
    assert t("legend.title") == "Chú giải"
    assert t("list.count", shown=3, total=16) == "3 trên 16 sự kiện"
    assert translator("xx")("legend.title") == "Legend"
    assert t("no.such.key") == "no.such.key"
    assert t.get("no.such.key") is None
    props = {"name": "Moscow", "name_vi": "Mátxcơva"}
    assert (t.name(props), t.other_name(props)) == ("Mátxcơva", "Moscow")
    assert translator("en").other_name({"name": "Baku", "name_vi": "Baku"}) is None


def test_every_message_is_translated() -> None:
    for key, english in MESSAGES["en"].items():
        assert MESSAGES["vi"][key], key
        braces = sorted(p for p in english.split("{")[1:])
        assert len(braces) == MESSAGES["vi"][key].count("{"), key


def test_map_page_in_vietnamese(client) -> None:
    soup = BeautifulSoup(client.get("/?lang=vi").data, "html.parser")
    assert soup.html["lang"] == "vi"
    assert soup.select_one("#map-legend summary").get_text() == "Chú giải"
    assert [h.get_text() for h in soup.select("#map-legend h3")][:2] == ["Vị trí", "Thời gian"]
    assert soup.select_one("#list-title").get_text() == "Sự kiện đang hiển thị"
    assert soup.select_one("#time-title").get_text() == "Thời gian"
    assert soup.select_one("label[for=search-input]").get_text() == "Tìm địa danh và sự kiện"
    assert soup.select_one("#filter-type option").get_text() == "Mọi loại"
    drawing = json.loads(soup.select_one("script#map-drawing").string)
    titles = [BeautifulSoup(o["label"], "html.parser").get_text() for o in drawing["overlays"]]
    for title in ("Sự kiện: Điện đàm", "Địa danh"):  # the layer control's titles
        assert any(t.startswith(title) for t in titles), titles
    assert json.loads(soup.select_one("#explore-data").string)["lang"] == "vi"
    # The page carries no features: the list asks for them, in the page's language.
    index = client.get("/api/map/features?lang=vi&limit=200").get_json()
    names = {r["id"]: r["name"] for r in index["features"]}
    assert names["place-moscow"] == "Mátxcơva"
