"""Every route through Flask's test client: status, content type, headers, errors."""

import json

import pytest
from bs4 import BeautifulSoup

from mapapp.core.model import LAYER_IDS

ARTICLE = "2020-11-25-putin-erdogan-call"


def test_layers_index(client) -> None:
    response = client.get("/api/layers")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    layers = response.get_json()
    assert [layer["id"] for layer in layers] == list(LAYER_IDS)
    for layer in layers:
        assert set(layer) >= {"id", "title", "feature_count", "url", "download_url"}
        assert layer["url"] == f"/api/layers/{layer['id']}"
        assert layer["download_url"] == f"/download/{layer['id']}.geojson"
        body = client.get(layer["url"]).get_json()
        assert layer["feature_count"] == len(body["features"]) > 0


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_layer_is_geojson(client, layer_id: str) -> None:
    response = client.get(f"/api/layers/{layer_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = json.loads(response.data)
    assert body["type"] == "FeatureCollection"
    assert all(f["properties"]["layer"] == layer_id for f in body["features"])


@pytest.mark.parametrize("layer_id", [*LAYER_IDS, "all"])
def test_downloads_are_attachments_with_the_api_body(client, layer_id: str) -> None:
    response = client.get(f"/download/{layer_id}.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="mapapp-{layer_id}.geojson"'
    )
    if layer_id != "all":
        assert response.data == client.get(f"/api/layers/{layer_id}").data
    else:
        total = sum(
            len(client.get(f"/api/layers/{lid}").get_json()["features"]) for lid in LAYER_IDS
        )
        assert len(json.loads(response.data)["features"]) == total


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/layers/nope", "unknown layer 'nope'"),
        ("/download/nope.geojson", "no download named 'nope.geojson'"),
        ("/download/..%2Fpyproject.toml", "not found"),
        ("/download/places.json", "no download named 'places.json'"),
        ("/api/nothing-here", "not found"),
    ],
)
def test_json_404s(client, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert message.lower() in response.get_json()["error"].lower()


def test_html_404_has_no_traceback(client) -> None:
    response = client.get("/articles/does-not-exist")
    assert response.status_code == 404
    soup = BeautifulSoup(response.data, "html.parser")
    assert "unknown article 'does-not-exist'" in soup.select_one(".error-message").text
    assert "Traceback" not in response.text


def test_unexpected_error_is_a_plain_500(app, client, monkeypatch) -> None:
    store = app.extensions["mapapp.store"]

    calls = []

    def boom():
        calls.append("layer_counts")
        raise RuntimeError("secret internals")

    monkeypatch.setattr(store, "layer_counts", boom)  # what /api/layers asks the store
    response = client.get("/api/layers")
    assert calls == ["layer_counts"]
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal server error"}
    assert "secret" not in response.text


def test_article_list(client) -> None:
    response = client.get("/articles")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    links = [a["href"] for a in soup.select(".article-list a")]
    assert links == [
        "/articles/2020-11-25-putin-erdogan-call",
        "/articles/2020-11-17-russia-humanitarian-centre",
    ]


def test_article_sentences_are_addressable(client) -> None:
    soup = BeautifulSoup(client.get(f"/articles/{ARTICLE}").data, "html.parser")
    sentences = soup.select(".sentence")
    assert [s["id"] for s in sentences] == [f"s{n}" for n in range(1, 18)]
    assert sentences[14].get_text().lstrip("0123456789").startswith("Theo Bộ trưởng, 250")


def test_article_place_mentions_link_to_the_map(client) -> None:
    soup = BeautifulSoup(client.get(f"/articles/{ARTICLE}").data, "html.parser")
    s17 = soup.select_one("#s17")
    links = {a.text: a["href"] for a in s17.select("a.place-link")}
    assert links["Stepanakert"] == "/?focus=place-stepanakert"
    all_targets = {a["href"] for a in soup.select("a.place-link")}
    assert {"/?focus=place-yerevan", "/?focus=place-baku"} <= all_targets


def test_security_headers(client) -> None:
    response = client.get("/articles")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_source_url_resolves_to_its_quoted_sentence(client) -> None:
    pages: dict[str, BeautifulSoup] = {}
    sources = [
        source
        for feature in client.get("/download/all.geojson").get_json()["features"]
        for source in feature["properties"].get("sources", [])
    ]
    assert len(sources) > 50
    for source in sources:
        path, _, anchor = source["url"].partition("#")
        if path not in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            pages[path] = BeautifulSoup(response.data, "html.parser")
        element = pages[path].find(id=anchor)
        assert element is not None, source["url"]
        assert element.select_one(".sentence-number").get_text() == anchor[1:]
        assert element.get_text() == anchor[1:] + source["quote"]
