"""The explorer's server side: the view download, state parameters, sentence links, the index."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
import wholelayers
from bs4 import BeautifulSoup

from mapapp.i18n import translator
from mapapp.mapview import index as mapindex
from mapapp.query import viewfilter
from mapapp.store.layers import Store

ARTICLE = "2020-11-25-putin-erdogan-call"


def ids(response) -> list[str]:
    return [f["id"] for f in json.loads(response.data)["features"]]


def by_layer(features) -> dict[str, list[str]]:
    """Feature ids grouped by layer, each group in the order given; no id may repeat.

    The view download need not list the layers in display order, but within a layer it keeps
    the layer's order.
    """
    grouped: dict[str, list[str]] = {}
    for f in features:
        grouped.setdefault(f["properties"]["layer"], []).append(f["id"])
    flat = [i for group in grouped.values() for i in group]
    assert len(flat) == len(set(flat)), "a feature is listed twice"
    return grouped


def shown(response) -> dict[str, list[str]]:
    return by_layer(json.loads(response.data)["features"])


def expected(data_dir, args: dict) -> dict[str, list[str]]:
    layers = [(lyr.id, c) for lyr, c in wholelayers.layer_info(Store(data_dir))]
    return by_layer(viewfilter.select(layers, viewfilter.parse_state(args)))


def test_view_download_without_state_is_everything(client, data_dir) -> None:
    response = client.get("/download/view.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mapapp-view.geojson"'
    everything = client.get("/download/all.geojson")
    assert ids(everything) == [f["id"] for f in wholelayers.all_features(Store(data_dir))]
    assert shown(response) == shown(everything)
    assert len(ids(response)) == len(ids(everything)) > 0


@pytest.mark.parametrize(
    "args",
    [
        {"from": "2020-11-21", "to": "2020-11-21"},
        {"from": "1990", "to": "1994"},
        {"type": "phone_call"},
        {"article": "2020-11-17-russia-humanitarian-centre"},
        {"sentence": f"{ARTICLE}:10"},
        {"layers": "places,events-phone_call,events-deployment", "from": "2020-11"},
        {"layers": ""},
    ],
)
def test_view_download_keeps_what_the_state_shows(client, data_dir, args: dict) -> None:
    response = client.get("/download/view.geojson", query_string=args)
    assert response.status_code == 200
    assert shown(response) == expected(data_dir, args)


def test_a_month_window_keeps_events_of_month_precision_and_spans(client) -> None:
    shown = ids(
        client.get("/download/view.geojson?layers=events-combat,events-ceasefire&from=1993&to=1994")
    )
    assert shown == ["ev-1988-1994-war", "ev-1994-ceasefire"]
    shown = ids(
        client.get("/download/view.geojson?layers=events-decree&from=2020-11-30&to=2020-11-30")
    )
    assert shown == ["ev-2020-11-decree-humanitarian-centre"], "2020-11 covers the 30th"


@pytest.mark.parametrize(
    ("fmt", "media_type", "starts"),
    [
        ("csv", "text/csv", b"\xef\xbb\xbfid,"),
        ("kml", "application/vnd.google-earth.kml+xml", b"<?xml"),
        ("gpkg", "application/geopackage+sqlite3", b"SQLite format 3"),
    ],
)
def test_view_download_in_other_formats(client, fmt: str, media_type: str, starts: bytes) -> None:
    response = client.get(f"/download/view.{fmt}?type=phone_call&layers=events-phone_call")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="mapapp-view.{fmt}"'
    assert response.data.startswith(starts)
    if fmt == "csv":
        rows = io.StringIO(response.data.decode("utf-8-sig")).read().splitlines()
        assert len(rows) == 1 + 3, "a header and the three phone calls"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/download/view.geojson?from=yesterday", 400, "'from'"),
        ("/download/view.geojson?layers=nowhere", 400, "no overlay 'nowhere'"),
        ("/download/view.geojson?bbox=1,2,3,4", 400, "'bbox'"),
        ("/download/view.shp", 404, "view.shp"),
    ],
)
def test_view_download_errors_are_json(client, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_json()["error"]


@pytest.mark.parametrize(
    ("url", "param", "clean"),
    [
        ("/?from=2020-13", "from", ""),
        ("/?from=garbage&to=2020-12", "from", "?to=2020-12"),
        ("/?from=2021&to=2020", "to", "?from=2021"),
        ("/?sentence=oops", "sentence", ""),
        (f"/?sentence={ARTICLE}:999", "sentence", ""),
        ("/?sentence=no-such-article:1", "sentence", ""),
        ("/?type=bogus&lang=en", "type", "?lang=en"),
        ("/?article=no-such-article", "article", ""),
        ("/?layers=bogus", "layers", ""),
        ("/?layers=bogus,places", "layers", "?layers=places"),
        ("/?focus=no-such-feature", "focus", ""),
    ],
)
def test_a_bad_link_opens_the_map_and_says_what_it_left_out(
    client, url: str, param: str, clean: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("#map-drawing") is not None  # the map is there
    notice = page.select_one("#url-notice")
    assert notice is not None and notice.get("role") == "status"
    assert f"{param}=" in notice.select_one("li code").text
    assert notice["data-clean"] == clean  # the address the page writes back


def test_a_good_link_has_no_notice(client) -> None:
    page = BeautifulSoup(client.get("/?from=2020-11&type=phone_call").data, "html.parser")
    assert page.select_one("#url-notice") is None


def test_ignored_values_are_text_in_the_notice(client) -> None:
    response = client.get("/?type=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.data
    notice = BeautifulSoup(response.data, "html.parser").select_one("#url-notice li code")
    assert notice.text == "type=<script>alert(1)</script>"


def test_the_article_filter_lists_the_newest_articles_and_the_one_a_link_selects(
    client, data_dir, monkeypatch
) -> None:
    """The page's size does not grow with the archive: the filter lists the newest
    ``ARTICLE_CHOICES`` articles (and one older a link selects), and says where the rest are."""
    from mapapp.web import map_page

    newest = [a.id for a in Store(data_dir).articles(100)]
    assert len(newest) >= 2
    monkeypatch.setattr(map_page, "ARTICLE_CHOICES", 1)

    def listed(url: str) -> tuple[list[str], BeautifulSoup]:
        soup = BeautifulSoup(client.get(url).data, "html.parser")
        return [o["value"] for o in soup.select("#filter-article option") if o["value"]], soup

    values, soup = listed("/")
    assert values == newest[:1]
    note = soup.select_one("#article-choices")
    assert f"newest 1 of {len(newest)} articles" in note.get_text()
    assert note.select_one("a")["href"] == "/articles"
    assert listed(f"/?article={newest[-1]}")[0] == [newest[0], newest[-1]]
    assert listed("/?article=2000-01-01-no-such-article")[0] == newest[:1]
    monkeypatch.setattr(map_page, "ARTICLE_CHOICES", 100)
    values, soup = listed("/")
    assert values == newest and soup.select_one("#article-choices") is None


def test_map_page_names_the_sentence_it_filters_on(client) -> None:
    soup = BeautifulSoup(client.get(f"/?sentence={ARTICLE}:10").data, "html.parser")
    banner = soup.select_one("#sentence-filter")
    assert not banner.has_attr("hidden")
    assert banner.select_one("blockquote a")["href"] == f"/articles/{ARTICLE}#s10"
    assert banner.select_one("blockquote").get_text().startswith("Cũng theo Điện Kremlin")


def test_each_cited_sentence_links_to_its_features_on_the_map(client, data_dir) -> None:
    soup = BeautifulSoup(client.get(f"/articles/{ARTICLE}").data, "html.parser")
    features = wholelayers.all_features(Store(data_dir))
    for sentence in soup.select(".sentence"):
        number = int(sentence["data-sentence"])
        citing = [
            f
            for f in features
            if any(
                (s["article_id"], s["sentence"]) == (ARTICLE, number)
                for s in f["properties"].get("sources", [])
            )
        ]
        after = sentence.find_next_sibling()
        link = after if after is not None and "sentence-map" in after.get("class", []) else None
        if not citing:
            assert link is None
            continue
        assert link["href"] == f"/?sentence={ARTICLE}:{number}"
        assert link.get_text(strip=True) == str(len(citing))


def test_article_page_embeds_its_places_for_the_small_map(client, data_dir) -> None:
    soup = BeautifulSoup(client.get(f"/articles/{ARTICLE}?lang=vi").data, "html.parser")
    data = json.loads(soup.select_one("#article-map-data").string)
    places = wholelayers.layer(Store(data_dir), "places")["features"]
    cited = [
        f["id"]
        for f in places
        if any(s["article_id"] == ARTICLE for s in f["properties"]["sources"])
    ]
    assert [p["id"] for p in data["places"]] == cited
    moscow = next(p for p in data["places"] if p["id"] == "place-moscow")
    assert moscow["name"] == "Mátxcơva" and moscow["sentences"] == [1, 10]
    assert soup.select_one("script[src='/vendor/leaflet/dist/leaflet.js']")


def test_index_records_follow_viewfilter(data_dir) -> None:
    layers = wholelayers.layer_info(Store(data_dir))
    records = {r["id"]: r for r in mapindex.build(layers, translator("en"))}
    for layer, collection in layers:
        for feature in collection["features"]:
            record = records[feature["id"]]
            props = feature["properties"]
            assert record["overlay"] == viewfilter.overlay_id(layer.id, props)
            span = viewfilter.feature_span(props)
            assert (record["start"], record["end"]) == (
                (span[0].isoformat(), span[1].isoformat()) if span else (None, None)
            )
    war = records["ev-1988-1994-war"]
    assert (war["date"], war["dp"], war["place"]) == (
        "Feb 1988 – May 1994",
        "month",
        "Nagorno-Karabakh, Azerbaijan",
    )
    assert records["ev-2020-11-24-call-putin-erdogan"]["place"] == "Moscow, Ankara"
    # The search text is the English and the Vietnamese name, folded free of diacritics.
    assert records["place-moscow"]["search"] == "moscow matxcova"


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "gpkg"])
@pytest.mark.parametrize(
    "query",
    ["", "from=2020-11-21&to=2020-11-24", "layers=events-phone_call,routes,places&article="
     "2020-11-25-putin-erdogan-call"],
)  # fmt: skip
def test_view_downloads_open_in_gdal_with_what_is_shown(client, tmp_path, fmt, query) -> None:
    shown = client.get(f"/download/view.geojson?{query}").get_json()["features"]
    assert shown
    path = tmp_path / f"view.{fmt}"
    path.write_bytes(client.get(f"/download/view.{fmt}?{query}").data)
    listing = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True
    ).stdout
    counts = [int(n) for n in re.findall(r"^Feature Count: (\d+)", listing, re.M)]
    assert sum(counts) == len(shown)
    if fmt != "kml":  # KML keeps names and descriptions, not every attribute
        full = subprocess.run(["ogrinfo", "-ro", "-al", str(path)], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        quotes = {s["quote"] for f in shown for s in f["properties"].get("sources", [])}
        assert any(quote[:40] in full for quote in quotes)  # Vietnamese text survives
