"""The map page as HTML: local assets only, every feature drawn and sourced, escaping, focus."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from wholelayers import layer_info, snapshot

from mapapp import create_app
from mapapp.core.model import LAYER_IDS
from mapapp.mapview import layout as maplayout
from mapapp.mapview import tiles as maptiles
from mapapp.mapview.popups import escape_html, format_date, format_quantity
from mapapp.store.layers import Store

FIXTURE = Path(__file__).parent / "mapfixture"
TILE_URL = "http://tiles.test/{z}/{x}/{y}.png"
HOSTILE = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> '
    "` ${window.__pwned=1} </script> back\\slash 'single'"
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a private copy of the small hand-made map fixture (overrides the shared one)."""
    target = tmp_path / "geodata"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns(".lock*", "*.tmp", ".index"))
    return target


@pytest.fixture
def app(data_dir: Path):
    from mapapp import create_app

    return create_app(
        {"DATA_DIR": str(data_dir), "TILE_URL": TILE_URL, "TILE_ATTRIBUTION": "Test tiles"}
    )


def fixture_features(data_dir: Path) -> dict[str, dict]:
    return snapshot(Store(data_dir)).features


def script_of(soup: BeautifulSoup) -> str:
    """Return the map's inline script (the one that creates the Leaflet map)."""
    scripts = [s.string or "" for s in soup.find_all("script") if not s.get("src")]
    return next(s for s in scripts if "L.map(" in s)


def drawing_of(soup: BeautifulSoup) -> dict:
    """Return the drawing the page carries as JSON for mapdraw.js."""
    island = soup.select_one("script#map-drawing")
    assert island["type"] == "application/json"
    return json.loads(island.string)


def drawn_features(client) -> dict[str, dict]:
    """Return every feature the map draws (its tile at zoom 0, and its lines and areas: the
    fixture is small enough to be drawn whole there), keyed by id: the page carries none."""
    body = client.get("/api/map/tiles/0/0/0.json").get_json()
    assert body["clusters"] == []
    shapes = client.get("/api/map/shapes/0/0/0.json").get_json()
    return {f["id"]: f for f in body["features"] + shapes["features"]}


def popup_of(client, feature_id: str, lang: str = "en") -> BeautifulSoup:
    """Fetch and parse one feature's popup, as the map does when it opens."""
    response = client.get(f"/map/popups/{feature_id}?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    popup = BeautifulSoup(body["html"], "html.parser")
    assert body["id"] == popup.select_one("article.fp")["data-feature-id"] == feature_id
    return popup


def popups_by_id(client) -> dict[str, BeautifulSoup]:
    """Fetch and parse the popup of every feature drawn, keyed by feature id."""
    return {fid: popup_of(client, fid) for fid in drawn_features(client)}


def overlay_labels(drawing: dict) -> dict[str, BeautifulSoup]:
    """Parse the layer control's overlay names (Leaflet inserts them as HTML)."""
    labels = [BeautifulSoup(o["label"], "html.parser") for o in drawing["overlays"]]
    return {label.select_one(".ov")["data-overlay"]: label for label in labels}


def get_page(client, url: str = "/") -> tuple[BeautifulSoup, dict]:
    response = client.get(url)
    assert response.status_code == 200, response.data[:500]
    soup = BeautifulSoup(response.data, "html.parser")
    return soup, drawing_of(soup)


def test_assets_are_local_and_the_only_other_host_is_the_tile_server(client) -> None:
    response = client.get("/")
    soup = BeautifulSoup(response.data, "html.parser")
    loaded = [t["src"] for t in soup.find_all(src=True)]
    loaded += [t["href"] for t in soup.find_all("link", href=True)]
    assert loaded, "the page loads Leaflet"
    assert all(u.startswith("/") or u.startswith("data:") for u in loaded), loaded
    assert "/vendor/leaflet/dist/leaflet.js" in loaded
    assert "/vendor/leaflet/dist/leaflet.css" in loaded
    urls = set(re.findall(r"https?://[^\s\"'`<>)]+", response.get_data(as_text=True)))
    assert urls == {TILE_URL}


def test_default_tiles_are_the_only_resource_from_another_host(data_dir: Path) -> None:
    from mapapp import create_app

    app = create_app({"DATA_DIR": str(data_dir)})
    html = app.test_client().get("/").get_data(as_text=True)
    attribution = app.config["TILE_ATTRIBUTION"]
    for url in set(re.findall(r"https?://[^\s\"'`<>)\\]+", html)):
        assert url == app.config["TILE_URL"] or url in attribution, url


@pytest.mark.parametrize("name", ["leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css"])
def test_leaflet_is_served_from_node_modules(app, client, name: str) -> None:
    response = client.get(f"/vendor/{name}")
    assert response.status_code == 200
    assert response.data == (Path(app.config["VENDOR_DIR"]) / name).read_bytes()


def test_page_has_navigation_downloads_and_legend(client, data_dir: Path) -> None:
    soup, _ = get_page(client)
    assert soup.select_one("header nav a[href='/articles']")
    links = {a["data-layer"]: a["href"] for a in soup.select("#map-downloads a[data-layer]")}
    expected = {lid: f"/download/{lid}.geojson" for lid in LAYER_IDS}
    assert links == {**expected, "all": "/download/all.geojson"}
    legend = soup.select_one("#map-legend")
    headings = [h.get_text() for h in legend.select("h3")]
    assert headings == ["Position", "Date", "Places", "Peacekeeping", "Routes and links"]
    dates = [li.get_text(" ", strip=True) for li in legend.select(".legend-dates li")]
    assert dates == ["24 Nov 2020 exact day", "Nov 2020 month only", "1994 year only"]


def test_every_feature_has_a_sourced_popup(client, data_dir: Path) -> None:
    _, drawing = get_page(client)
    features = fixture_features(data_dir)
    popups = popups_by_id(client)
    assert set(popups) == set(features)
    for fid, feature in features.items():
        links = [a["href"] for a in popups[fid].select("a.fp-source-link")]
        assert links == [s["url"] for s in feature["properties"]["sources"]]


def test_one_overlay_per_layer_and_event_type(client) -> None:
    soup, drawing = get_page(client)
    labels = overlay_labels(drawing)
    assert list(labels) == [
        "places",
        "peacekeeping-posts",
        "routes",
        "events-phone_call",
        "events-deployment",
        "events-airlift",
        "events-demining",
        "events-casualties",
        "regions",
    ]
    assert labels["events-phone_call"].get_text(" ", strip=True) == "Events: Phone calls 2"
    assert '"collapsed": false' in script_of(soup)


def test_event_popup_shows_date_type_actors_figures_position_and_quote(client) -> None:
    _, drawing = get_page(client)
    popup = popups_by_id(client)["event-casualties"]
    facts = {
        dt.get_text(): dd.get_text(" ", strip=True)
        for dt, dd in zip(popup.select("dt"), popup.select("dd"), strict=True)
    }
    assert facts["Date"].startswith("2020 (year only)")
    assert facts["Figures"] == "more than 4,000 killed more than 8,000 wounded"
    assert facts["Position"].startswith("only the region is known · Nagorno-Karabakh")
    assert popup.select_one(".fp-kind").get_text() == "Events · Casualties"
    quote = popup.select_one("blockquote").get_text()
    assert quote.startswith("Trong một tháng rưỡi xung đột, hơn 4.000 người đã thiệt mạng")
    link = popup.select_one("a.fp-source-link").get_text()
    assert link == (
        "“Nga lập trung tâm ứng phó nhân đạo ở Nagorno-Karabakh, tiếp tục điều quân gìn giữ "
        "hòa bình”, sentence 1 →"
    )
    call = popups_by_id(client)["event-putin-erdogan-call"]
    assert call.select_one(".fp-name-other").get_text() == "cuộc điện đàm"
    assert call.select_one(".fp-date").get_text(" ", strip=True) == "24 November 2020 (exact day)"
    assert call.select_one(".fp-actors").get_text() == "Vladimir Putin, Recep Tayyip Erdogan"


def test_route_popup_states_the_articles_own_figure(client) -> None:
    _, drawing = get_page(client)
    popup = popups_by_id(client)["route-lachin-road"]
    said = popup.select(".fp-figures li")
    text = "6 km: length of the Lachin pass road, as the article states it (sentence 13)"
    assert said[0].get_text(" ", strip=True) == text
    assert said[0].a["href"] == "/articles/2020-11-17-russia-humanitarian-centre#s13"


def drawn(data_dir: Path, feature_id: str) -> list[dict]:
    """Return the parts (markers, paths) drawn for one feature."""
    features = [f for _, c in layer_info(Store(data_dir)) for f in c["features"]]
    payload = maptiles.tile_payload({"features": features, "clusters": [], "total": 0})
    return {f["id"]: f for f in payload["features"]}[feature_id]["parts"]


def test_precision_decides_how_a_point_looks(data_dir: Path) -> None:
    exact = drawn(data_dir, "place-stepanakert")
    assert [p.get("path", "marker") for p in exact][:1] == ["marker"]
    assert "mk-prec-exact" in exact[0]["icon"]["html"]
    approximate = drawn(data_dir, "place-lachin-corridor")[0]
    assert "mk-prec-approximate" in approximate["icon"]["html"]
    region = drawn(data_dir, "place-nagorno-karabakh")
    circle = region[0]
    assert (circle["path"], circle["options"]["radius"]) == ("circle", 30000)
    assert circle["options"]["fill"]
    assert circle["options"]["fillOpacity"] < 0.3 and circle["options"]["dashArray"]
    assert "mk-area-label" in region[1]["icon"]["html"], "a region is lettered, not pinned"
    zone = drawn(data_dir, "post-zone-north")[0]
    assert zone["path"] == "polygon" and zone["options"]["dashArray"]
    road = drawn(data_dir, "route-lachin-road")[0]
    assert road["path"] == "polyline" and road["options"]["dashArray"], "approximate: dashed"
    call = drawn(data_dir, "event-putin-erdogan-call")
    assert [p.get("path", "marker") for p in call][:2] == ["marker", "marker"], "a badge each"


def test_page_can_be_zoomed_and_markers_are_named_once(client, data_dir: Path) -> None:
    soup, _ = get_page(client)
    viewports = [m["content"] for m in soup.select("meta[name=viewport]")]
    assert viewports == ["width=device-width, initial-scale=1"], "folium's would forbid zooming"
    place = BeautifulSoup(drawn(data_dir, "place-stepanakert")[0]["icon"]["html"], "html.parser")
    assert place.select_one(".mk-label").get_text() == "Stepanakert"
    assert not place.select("[aria-label]"), "a labelled marker is named by its label alone"
    call = drawn(data_dir, "event-putin-erdogan-call")[0]
    badge = BeautifulSoup(call["icon"]["html"], "html.parser").select_one(".mk")
    assert (badge["role"], badge["aria-label"]) == ("img", "Putin–Erdogan phone call")


def test_the_page_carries_no_feature(client, data_dir: Path) -> None:
    """The map draws what is visible from the tiles: the page holds the overlays' counts."""
    soup, drawing = get_page(client)
    html = str(soup)
    assert not [fid for fid in fixture_features(data_dir) if fid in html]
    counts = Store(data_dir).overlays()
    assert {o["id"]: o["count"] for o in drawing["overlays"]} == counts
    explore = json.loads(soup.select_one("script#explore-data").string)
    assert explore["counts"] == counts and explore["days"]["min"] <= explore["days"]["max"]


def test_first_view_without_articles_is_the_bundled_region(tmp_path) -> None:
    empty = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    soup, drawing = get_page(empty)
    assert drawing["view"]["bounds"] == maplayout.HOME_BOUNDS
    assert drawing["view"]["open"] is None
    assert "maxBounds" not in script_of(soup), "the whole world stays reachable"


def test_focus_frames_the_feature_and_opens_its_popup(client) -> None:
    _, drawing = get_page(client, "/?focus=place-moscow")
    (south, west), (north, east) = drawing["view"]["bounds"]
    assert south < 55.75204 < north and west < 37.61781 < east
    assert drawing["view"]["open"] == "place-moscow"


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/?focus=no-such-feature", "focus=no-such-feature"),
        ("/?focus=%3Cb%3Ebold%3C/b%3E", "focus=<b>bold</b>"),
        ("/?focus=", "focus="),
    ],
)
def test_a_bad_focus_opens_the_map_with_a_notice_naming_it(client, url: str, text: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one("#url-notice li code").get_text() == text
    assert soup.select_one("#map-drawing") is not None
    assert soup.find("b") is None  # the value is text


def test_escape_html_covers_content_and_attributes() -> None:
    html = "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    assert escape_html("<a href=\"x\">'&'</a>") == html


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2020-11-24", "24 November 2020"),
        ("2020-11", "November 2020"),
        ("2020", "2020"),
        ("soon", "soon"),
    ],
)
def test_format_date(value: str, words: str) -> None:
    assert format_date(value) == words


def test_format_quantity() -> None:
    assert format_quantity("killed", 4000, "more_than") == "more than 4,000 killed"
    assert format_quantity("observation_posts", 23) == "23 observation posts"
    assert format_quantity("km", 28.5, "about") == "about 28.5 km"
    assert format_quantity("refugees", 1000, "thousands") == "thousands of refugees"
    assert format_quantity("people", 10_000, "tens_of_thousands") == "tens of thousands of people"
    assert format_quantity("aircraft:An-124", 2) == "2 aircraft (An-124)"


def add_hostile_feature(data_dir: Path) -> dict:
    """Add an event whose every text field is hostile, a copy of the Putin–Erdogan call in its
    article's partition; return it."""
    store = Store(data_dir)
    part = "2020-11-25-putin-erdogan-call"
    collection = store.read_part(part)
    call = next(f for f in collection["features"] if f["id"] == "event-putin-erdogan-call")
    feature = json.loads(json.dumps(call))
    props = feature["properties"]
    feature["id"] = "event-hostile"
    for key in ("name", "name_vi", "summary", "geometry_source", "geo_note", "date_note"):
        props[key] = HOSTILE
    props["event_type"] = HOSTILE
    props["actors"] = [HOSTILE]
    props["quantities"] = {HOSTILE: 1}
    props["sources"][0]["quote"] = HOSTILE
    props["sources"][0]["article_id"] = "javascript:alert(1)//"
    collection["features"].append(feature)
    with store.lock():
        store.write({part: collection}, {})
    return feature


def test_hostile_text_is_escaped_at_every_sink(client, data_dir: Path) -> None:
    add_hostile_feature(data_dir)
    response = client.get("/")
    html = response.get_data(as_text=True)
    for fragment in ("<script>window", "<img", 'onerror="'):
        assert fragment not in html
    soup = BeautifulSoup(html, "html.parser")
    script = script_of(soup)
    assert "hostile" not in script and "window.__pwned" not in script, "the map script has no data"
    # The page carries no feature: the list and the tiles hold the text as data, in JSON.
    assert HOSTILE.split(" ")[0] not in html
    index = soup.select_one("script#explore-data")
    assert index["type"] == "application/json" and "features" not in json.loads(index.string)
    listed = client.get("/api/map/features?q=back&limit=200").get_json()["features"]
    assert {r["id"]: r for r in listed}["event-hostile"]["name"] == HOSTILE
    options = [o.get_text() for o in soup.select("#filter-type option")]
    assert f"{HOSTILE} (1)" in options
    drawing = drawing_of(soup)
    popup = popups_by_id(client)["event-hostile"]
    assert popup.select_one(".fp-name").get_text() == HOSTILE
    assert popup.find("img") is None and popup.find("script") is None
    assert popup.select_one("blockquote").get_text() == HOSTILE
    href = popup.select_one("a.fp-source-link")["href"]
    assert href.startswith("/articles/javascript%3Aalert"), "links stay inside the site"
    feature = drawn_features(client)["event-hostile"]
    tooltip = BeautifulSoup(feature["tooltip"], "html.parser")
    assert tooltip.find("img") is None and HOSTILE in tooltip.get_text()
    icon = BeautifulSoup(feature["parts"][0]["icon"]["html"], "html.parser")
    assert icon.find("img") is None and icon.select_one(".mk")["aria-label"] == HOSTILE
    label = next(v for k, v in overlay_labels(drawing).items() if k.startswith("events-script"))
    assert HOSTILE in label.get_text() and label.find("img") is None


def test_every_event_type_the_geoparser_proposes_has_a_symbol_and_labels() -> None:
    from mapapp.core.vocabulary import EVENT_TYPES
    from mapapp.geoparse.cues import PRIORITY
    from mapapp.i18n import translator
    from mapapp.mapview.style import EVENT_SYMBOLS

    assert set(PRIORITY) <= set(EVENT_TYPES), "the geoparser proposes only types of the vocabulary"
    for event_type, kind in EVENT_TYPES.items():
        assert all((kind.name, kind.name_vi, kind.title, kind.title_vi)), event_type
        for lang, title in (("en", kind.title), ("vi", kind.title_vi)):
            assert translator(lang).get(f"type.{event_type}") == title
        if event_type != "other":
            assert EVENT_SYMBOLS[event_type].key == f"type.{event_type}", event_type
    assert set(EVENT_SYMBOLS) == set(EVENT_TYPES) - {"other"}, "a symbol for every type"


def test_every_unit_and_qualifier_the_geoparser_reads_is_worded_in_both_languages() -> None:
    from mapapp.core.vocabulary import MAGNITUDES, QUALIFIERS, UNITS
    from mapapp.geoparse import quantities

    units = {v for v in quantities.UNITS.values() if isinstance(v, str)}
    assert units <= set(UNITS), sorted(units - set(UNITS))
    assert set(quantities._QUALIFIERS.values()) <= set(QUALIFIERS)
    assert {key for _, key in quantities.MAGNITUDES.values()} <= set(MAGNITUDES)
    for table in (UNITS, QUALIFIERS, MAGNITUDES):
        assert all(en and vi for en, vi in table.values())
    assert format_quantity("civilians", 3, lang="vi") == "3 dân thường"


def test_events_of_no_known_type_are_labelled_other_events() -> None:
    from mapapp.i18n import translator
    from mapapp.mapview.style import event_label

    assert event_label("other", translator("vi")) == "Sự kiện khác"
    assert event_label(None, translator("en")) == "Other events"
    assert event_label("disaster", translator("vi")) == "Thiên tai"


def test_the_first_view_frames_the_newest_articles_precise_places(client) -> None:
    """What the newest articles' events, posts and routes cover, without a country's label
    point (Russia's lies in Siberia, 88° E)."""
    _, drawing = get_page(client)
    (south, west), (north, east) = drawing["view"]["bounds"]
    for lon, lat in ((37.61781, 55.75204), (32.85427, 39.91987), (46.75194, 39.81528)):
        assert west <= lon <= east and south <= lat <= north  # Moscow, Ankara, Stepanakert
    assert east < 60
