"""Security headers: a strict Content-Security-Policy with a fresh nonce on every response."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from mapapp import create_app
from mapapp.web.security import tile_source

ROUTES = [
    "/",
    "/?lang=vi",
    "/articles",
    "/articles/2020-11-25-putin-erdogan-call",
    "/articles/no-such-article",
    "/api/layers",
    "/api/layers/events",
    "/api/layers/nope",
    "/download/places.geojson",
    "/download/view.csv",
    "/ogc/",
    "/ogc/?f=html",
    "/ogc/collections?f=html",
    "/ogc/collections/events/items?f=html",
    "/ogc/collections/events/items?limit=bad",
    "/ogc/openapi?f=html",
    "/static/mapdraw.js",
    "/vendor/leaflet/dist/leaflet.js",
    "/no/such/page",
    "/?from=garbage",
]


def directives(response) -> dict[str, list[str]]:
    """Parse a response's Content-Security-Policy into {directive: sources}."""
    header = response.headers["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in out, f"{name} given twice"
        out[name] = sources
    return out


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_sends_a_strict_policy(client, path: str) -> None:
    response = client.get(path)
    policy = directives(response)
    script = policy["script-src"]
    assert script[0] == "'self'" and len(script) == 2 and script[1].startswith("'nonce-")
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_map_script_carries_the_responses_nonce_and_it_changes(client) -> None:
    nonces = []
    for _ in range(2):
        response = client.get("/")
        nonce = directives(response)["script-src"][1].removeprefix("'nonce-").rstrip("'")
        soup = BeautifulSoup(response.data, "html.parser")
        inline = [s for s in soup.find_all("script") if not s.get("src") and not s.get("type")]
        assert [s.get("nonce") for s in inline] == [nonce]
        assert len(nonce) >= 22  # 128 bits or more, base64url
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize("path", ["/articles", "/ogc/?f=html", "/no/such/page"])
def test_other_pages_have_no_inline_script_at_all(client, path: str) -> None:
    soup = BeautifulSoup(client.get(path).data, "html.parser")
    inline = [s for s in soup.find_all("script") if not s.get("src")]
    assert all(s.get("type") == "application/json" for s in inline)
    handlers = [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
    assert handlers == []


def test_frame_ancestors_is_a_setting(data_dir) -> None:
    config = {"DATA_DIR": str(data_dir), "FRAME_ANCESTORS": "'self' https://news.example"}
    response = create_app(config).test_client().get("/")
    assert directives(response)["frame-ancestors"] == ["'self'", "https://news.example"]
    assert "X-Frame-Options" not in response.headers, "the old header cannot name a site"
    config["FRAME_ANCESTORS"] = "'none'"
    response = create_app(config).test_client().get("/")
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("value", ["'self'; script-src *", "", "'self'\r\nX-Evil: 1"])
def test_a_frame_ancestors_value_that_would_break_the_header_is_refused(data_dir, value) -> None:
    with pytest.raises(ValueError, match="FRAME_ANCESTORS"):
        create_app({"DATA_DIR": str(data_dir), "FRAME_ANCESTORS": value})


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("/tiles/{z}/{x}/{y}.png", "'self'"),
        ("https://tiles-{s}.example.org/{z}.png", "https:"),
    ],
)
def test_the_tile_server_is_the_one_other_image_source(url: str, source: str) -> None:
    assert tile_source(url) == source
