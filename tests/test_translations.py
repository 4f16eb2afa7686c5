"""Free text in the data (summaries, notes, where a position comes from) in both languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import wholelayers
from bs4 import BeautifulSoup

from mapapp.i18n import translator
from mapapp.mapview.popups import popup_html
from mapapp.mapview.style import Symbol
from mapapp.pipeline.ingest import ingest
from mapapp.store.layers import Store

GEODATA = Path(__file__).resolve().parents[1] / "geodata"
# Every free-text property a popup or the list shows, and the layers where each must be
# written in Vietnamese too.
TEXT_KEYS = ("summary", "date_note", "geo_note")
EXPLAINED_LAYERS = ("events", "peacekeeping-posts", "routes")

EVENT = {
    "type": "Feature",
    "id": "ev-test",
    "geometry": {"type": "Point", "coordinates": [46.75, 39.82]},
    "properties": {
        "layer": "events",
        "name": "Test event",
        "name_vi": "Sự kiện thử",
        "event_type": "demining",
        "kind": "demining",
        "date": "2020-11-21",
        "date_note": "the date of the report",
        "date_note_vi": "ngày báo cáo",
        "summary": "A road is cleared.",
        "summary_vi": "Một con đường được rà phá.",
        "geo_note": "near the town",
        "geo_precision": "approximate",
        "geometry_source": "the event's place(s): Stepanakert (Wikipedia)",
        "geometry_source_vi": "theo địa danh của sự kiện: Stepanakert (Wikipedia)",
        "sources": [],
    },
}
SYMBOL = Symbol(key="type.demining", colour="#e65100")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """The bundled data read whole, from a copy (reading builds an index beside the data)."""
    copy = tmp_path_factory.mktemp("bundled") / "geodata"
    shutil.copytree(GEODATA, copy, ignore=shutil.ignore_patterns(".lock", "*.tmp", ".index"))
    return wholelayers.snapshot(Store(copy))


def test_text_in_the_chosen_language_else_english() -> None:
    props = {"summary": "Roads cleared.", "summary_vi": "Đường được rà phá.", "geo_note": "near"}
    vi, en = translator("vi"), translator("en")
    assert vi.text(props, "summary") == ("Đường được rà phá.", "vi")
    assert en.text(props, "summary") == ("Roads cleared.", "en")
    assert vi.text(props, "geo_note") == ("near", "en"), "no Vietnamese: English, marked so"
    assert vi.text(props, "date_note") == (None, "en")


def _popup(lang: str) -> BeautifulSoup:
    html = popup_html(EVENT, "Events", SYMBOL, translator(lang))
    return BeautifulSoup(html, "html.parser")


def test_popup_shows_the_vietnamese_text_and_marks_english_left_over() -> None:
    soup = _popup("vi")
    summary = soup.select_one(".fp-summary")
    assert (summary.get_text(), summary["lang"]) == ("Một con đường được rà phá.", "vi")
    notes = {n.get_text(): n["lang"] for n in soup.select(".fp-note[lang]")}
    assert notes == {"ngày báo cáo": "vi", "near the town": "en"}
    source = soup.select_one(".fp-geo span[lang]:not(.fp-note)")
    assert source.get_text().startswith("theo địa danh của sự kiện")
    assert source["lang"] == "vi"


def test_popup_in_english_shows_the_english_text() -> None:
    soup = _popup("en")
    assert soup.select_one(".fp-summary").get_text() == "A road is cleared."
    assert {n.get_text() for n in soup.select(".fp-note[lang]")} == {
        "the date of the report",
        "near the town",
    }
    assert "Vietnamese" not in soup.get_text() and "rà phá" not in soup.get_text()


def test_bundled_free_text_is_written_in_both_languages(snapshot) -> None:
    missing = []
    for layer_id, layer in snapshot.layers.items():
        for feature in layer["features"]:
            props = feature["properties"]
            keys = [k for k in TEXT_KEYS if props.get(k)]
            if layer_id in EXPLAINED_LAYERS:
                keys.append("geometry_source")
            missing += [f"{feature['id']}: {k}_vi" for k in keys if not props.get(f"{k}_vi")]
            for figure in props.get("article_figures", []):
                if figure.get("what") and not figure.get("what_vi"):
                    missing.append(f"{feature['id']}: article figure what_vi")
    assert missing == []


def test_country_outlines_are_named_in_vietnamese(snapshot) -> None:
    names = {f["id"]: f["properties"]["name_vi"] for f in snapshot.layers["regions"]["features"]}
    assert names["region-rus"] == "Nga"
    assert names["region-tur"] == "Thổ Nhĩ Kỳ"


def test_map_page_in_vietnamese_shows_vietnamese_summaries(client) -> None:
    index = client.get("/api/map/features?lang=vi&limit=200").get_json()
    summaries = {r["id"]: r["summary"] for r in index["features"]}
    assert summaries["ev-2020-11-16-airlift"].startswith("Nga điều 20 máy bay vận tải")
    popup = client.get("/map/popups/ev-2020-11-16-airlift?lang=vi").get_json()["html"]
    summary = BeautifulSoup(popup, "html.parser").select_one(".fp-summary").get_text()
    assert summary.startswith("Nga điều 20 máy bay vận tải")
    index = client.get("/api/map/features?lang=en&limit=200").get_json()
    summaries = {r["id"]: r["summary"] for r in index["features"]}
    assert summaries["ev-2020-11-16-airlift"].startswith("Russia sends 20 transport aircraft")


def _ingested_events(data_dir: Path, gazetteer, tmp_path: Path, aid: str, body: str) -> list:
    """Ingest an article of 2020-12-01 titled "Stepanakert"; return its events' properties."""
    article = tmp_path / f"{aid}.md"
    front = f"---\nid: {aid}\ntitle: Stepanakert\npublished: 2020-12-01\n---\n"
    article.write_text(front + body + "\n", encoding="utf-8")
    ingest([article], data_dir, gazetteer)
    events = wholelayers.layer(Store(data_dir), "events")["features"]
    return [f["properties"] for f in events if f["properties"]["sources"][0]["article_id"] == aid]


def test_an_event_no_sentence_places_says_so_in_both_languages(
    data_dir: Path, gazetteer, tmp_path: Path
) -> None:
    # A paragraph of its own: no sentence before it names a place, and the article's other
    # place (Stepanakert) is not taken for it.
    body = "Người dân Stepanakert đã trở về nhà.\n\nNgày 30/11, các bên đã ký thỏa thuận ngừng bắn."
    placed = _ingested_events(data_dir, gazetteer, tmp_path, "2020-12-01-no-place", body)
    assert placed, "the dated sentence became an event"
    props = placed[0]
    assert props["geo_precision"] == "unplaced"
    assert props["geo_note"] == "the article does not say where this happened"
    assert props["geo_note_vi"] == "bài báo không nêu nơi xảy ra"
    assert props["geometry_source_vi"].startswith("không có")
    assert "Stepanakert" not in props["geometry_source"]


def test_an_event_without_a_summary_is_summed_up_by_its_sentence() -> None:
    from mapapp.mapview.index import feature_record

    feature = {
        "type": "Feature",
        "id": "event-x-s3",
        "geometry": {"type": "Point", "coordinates": [46.75, 39.82]},
        "properties": {
            "layer": "events",
            "name": "Demining – Stepanakert",
            "event_type": "demining",
            "date": "2020-12-01",
            "sources": [{"article_id": "x", "sentence": 3, "quote": "Ngày 1/12, rà phá bom mìn."}],
        },
    }
    for lang in ("en", "vi"):
        record = feature_record("events", feature, translator(lang))
        assert record["summary"] == "Ngày 1/12, rà phá bom mìn.", lang


def test_an_event_placed_by_the_sentence_before_says_so_in_both_languages(
    data_dir: Path, gazetteer, tmp_path: Path
) -> None:
    body = "Người dân Stepanakert đã trở về nhà. Ngày 30/11, các bên đã ký thỏa thuận ngừng bắn."
    (props,) = _ingested_events(data_dir, gazetteer, tmp_path, "2020-12-01-place-before", body)
    assert props["place_basis"] == "context" and props["geo_precision"] == "exact"
    assert "sentence before it" in props["geo_note"]
    assert "câu trước" in props["geo_note_vi"]
