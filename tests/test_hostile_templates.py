"""Template injection: text from articles, front matter, curation and the gazetteer is shown
literally on every page that serves it, and no template engine ever evaluates it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hostile import ALL, ARTICLE_ID, EVALUATED, PAYLOADS, PLACE_ID, make_hostile_data

from mapapp import create_app
from mapapp.geoparse import Lexicons
from mapapp.pipeline.ingest import ingest
from mapapp.store import DataDir

REPO = Path(__file__).resolve().parents[1]
EVENT_ID = "ev-hostile-airlift"


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """Serve the bundled data with the hostile article ingested through the real pipeline."""
    data_dir = tmp_path_factory.mktemp("hostile") / "geodata"
    article = make_hostile_data(REPO / "geodata", data_dir)
    ingest([article], data_dir, Lexicons.load(DataDir(data_dir)))
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    return app.test_client()


def visible_text(html: str) -> str:
    """Return what a reader sees of a page, and the data its scripts put on the page."""
    soup = BeautifulSoup(html, "html.parser")
    parts = [soup.get_text(" ")]
    for island in soup.select('script[type="application/json"]'):
        parts.append(_strings(json.loads(island.string)))
    return " ".join(parts)


def _strings(value) -> str:
    """Return every string in a JSON value, HTML fragments turned into their text."""
    if isinstance(value, str):
        return BeautifulSoup(value, "html.parser").get_text(" ") if "<" in value else value
    if isinstance(value, dict):
        return " ".join(_strings(v) for v in [*value.keys(), *value.values()])
    if isinstance(value, list):
        return " ".join(_strings(v) for v in value)
    return ""


def assert_literal(html: str, where: str) -> None:
    text = visible_text(html)
    for payload in PAYLOADS:
        assert payload in text, f"{where}: {payload!r} is not shown literally"
    for evaluated in EVALUATED:
        assert evaluated not in html, f"{where}: a template evaluated {evaluated!r}"


PAGES = [
    "/",
    "/?lang=vi",
    f"/?focus={EVENT_ID}",
    f"/?focus={PLACE_ID}",
    f"/?article={ARTICLE_ID}",
    f"/?sentence={ARTICLE_ID}:1",
    "/articles",
    f"/articles/{ARTICLE_ID}",
    f"/articles/{ARTICLE_ID}?lang=vi",
    f"/ogc/collections/events/items/{EVENT_ID}?f=html",
    f"/ogc/collections/places/items/{PLACE_ID}?f=html",
    f"/ogc/collections/events/items?f=html&article_id={ARTICLE_ID}",
]


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_is_shown_literally_and_never_evaluated(hostile_client, path: str) -> None:
    response = hostile_client.get(path)
    assert response.status_code == 200, response.data[:300]
    assert_literal(response.get_data(as_text=True), path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/layers/events",
        f"/ogc/collections/events/items/{EVENT_ID}?f=json",
        f"/ogc/collections/places/items/{PLACE_ID}?f=json",
        f"/download/view.csv?article={ARTICLE_ID}",
        f"/download/view.kml?article={ARTICLE_ID}",
    ],
)
def test_hostile_text_is_served_as_it_was_written(hostile_client, path: str) -> None:
    body = hostile_client.get(path).get_data(as_text=True)
    if path.endswith("kml"):
        body = BeautifulSoup(body, "html.parser").get_text(" ")
    for payload in PAYLOADS:
        assert payload in body or json.dumps(payload)[1:-1] in body, (path, payload)
    for evaluated in EVALUATED:
        assert evaluated not in body, (path, evaluated)


def test_the_map_script_itself_carries_no_data(hostile_client) -> None:
    soup = BeautifulSoup(hostile_client.get("/").data, "html.parser")
    scripts = [s.string or "" for s in soup.find_all("script") if not s.get("type")]
    inline = [s for s in scripts if s.strip()]
    assert len(inline) == 1 and "L.map(" in inline[0], "one inline script: folium's map"
    assert "«" not in inline[0] and "Stepanakert" not in inline[0]


def test_hostile_features_exist_with_their_text(hostile_client) -> None:
    """Guard the test above: the payloads did reach features (else it would prove nothing)."""
    events = hostile_client.get("/api/layers/events").get_json()
    event = next(f for f in events["features"] if f["id"] == EVENT_ID)
    assert event["properties"]["name"] == f"Airlift {ALL}"
    assert event["properties"]["sources"][0]["article_id"] == ARTICLE_ID
    places = hostile_client.get("/api/layers/places").get_json()
    place = next(f for f in places["features"] if f["id"] == PLACE_ID)
    assert place["properties"]["name"] == f"Test village {ALL}"


@pytest.mark.parametrize("feature_id", [EVENT_ID, PLACE_ID])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_popups_fetched_on_open_show_the_text_literally(
    hostile_client, feature_id: str, lang: str
) -> None:
    response = hostile_client.get(f"/map/popups/{feature_id}?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    html = response.get_json()["html"]
    assert_literal(html, f"popup {feature_id} {lang}")
    # The source link names the article by its (hostile) title, shown as text.
    link = BeautifulSoup(html, "html.parser").select_one("a.fp-source-link").get_text()
    assert f"Tiêu đề {ALL}" in link


def test_an_unknown_popup_is_a_json_404(hostile_client) -> None:
    response = hostile_client.get("/map/popups/{{ 6*7 }}")
    assert response.status_code == 404
    assert response.get_json() == {"error": "unknown feature '{{ 6*7 }}'"}
