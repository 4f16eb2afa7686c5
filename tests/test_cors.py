"""Cross-origin reads (CORS) of the public API: any site by default, a configured list of
origins, or none; only reading methods; never the pages."""

from __future__ import annotations

import pytest

from mapapp import create_app

API = ("/ogc/collections", "/ogc/collections/events/items?limit=1", "/api/layers",
       "/download/events.geojson")  # fmt: skip
ORIGIN = "https://news.example"


def _client(data_dir, **config):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, **config}).test_client()


@pytest.mark.parametrize("url", API)
def test_any_site_may_read_the_api_by_default(data_dir, url: str) -> None:
    response = _client(data_dir).get(url, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("url", ["/", "/articles", "/map/popups/place-lachin-corridor"])
def test_the_pages_are_not_shared(data_dir, url: str) -> None:
    response = _client(data_dir).get(url, headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_preflight_allows_reading_methods_only(data_dir) -> None:
    response = _client(data_dir).options(
        "/ogc/collections/events/items",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_a_list_of_origins_names_the_one_that_asked(data_dir) -> None:
    client = _client(data_dir, CORS_ORIGINS=f"{ORIGIN} https://maps.example:8443")
    allowed = client.get("/api/layers", headers={"Origin": ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in allowed.headers["Vary"]  # a cache keeps one answer per origin
    other = client.get("/api/layers", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]


def test_no_origin_when_none_is_configured(data_dir) -> None:
    response = _client(data_dir, CORS_ORIGINS="").get("/api/layers", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "value", ["news.example", "https://a.example/path", "*, https://b.example"]
)
def test_a_bad_setting_is_refused_naming_it(data_dir, value: str) -> None:
    with pytest.raises(ValueError, match="CORS_ORIGINS must be"):
        _client(data_dir, CORS_ORIGINS=value)
