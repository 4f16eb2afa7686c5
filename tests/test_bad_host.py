"""A request with a malformed Host header is a 400 (HTML, or JSON under /api and /ogc), never
a 500: the error page renders without building URLs from the host."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from liveserver import LiveServer

from mapapp.web.helpers import valid_host

LONG_LABEL = "a" * 300 + ".example"
BAD_HOSTS = [LONG_LABEL, "a" * 64 + ".example", "a..example", "-a.example", "exa mple", "[::1"]
MESSAGE = "bad Host header: not a valid host name"


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/articles", "/articles/nope", "/no/such/page"])
def test_bad_host_is_a_400_html_page(client, host: str, path: str) -> None:
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.content_type == "text/html; charset=utf-8"
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one("h1").get_text() == "400"
    assert soup.select_one(".error-message").get_text() == MESSAGE
    assert soup.select_one('link[rel="stylesheet"]')["href"] == "/static/pages.css"


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize(
    "path",
    ["/api/layers", "/api/layers/events", "/download/all.geojson", "/ogc/", "/ogc/collections"],
)
def test_bad_host_is_a_400_json_error_on_the_apis(client, host: str, path: str) -> None:
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.content_type == "application/json"
    if path.startswith("/ogc/"):  # the OGC exception schema
        assert response.get_json() == {"code": "InvalidParameterValue", "description": MESSAGE}
    else:
        assert response.get_json() == {"error": MESSAGE}


def test_ogc_html_asked_for_gets_the_html_page(client) -> None:
    response = client.get("/ogc/collections?f=html", headers={"Host": LONG_LABEL})
    assert response.status_code == 400
    assert response.content_type == "text/html; charset=utf-8"
    assert MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1:5000", "[::1]:8080", "example.com.", "xn--bcher-kva.example"]
)
def test_good_hosts_are_served(client, host: str) -> None:
    assert valid_host(host)
    assert client.get("/api/layers", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["", "x:0", "x:65536", "[zz]", "[::1]x", "a" * 250 + ".b.c.d"])
def test_other_malformed_hosts(host: str) -> None:
    assert not valid_host(host)


def _get(port: int, path: str, host: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


@pytest.fixture
def server_port(data_dir: Path):
    with LiveServer(data_dir) as live:
        yield live.port


def test_bad_host_over_real_http(server_port: int) -> None:
    status, content_type, body = _get(server_port, "/", LONG_LABEL)
    assert (status, content_type) == (400, "text/html; charset=utf-8")
    assert MESSAGE.encode() in body
    status, content_type, body = _get(server_port, "/api/layers", LONG_LABEL)
    assert (status, content_type) == (400, "application/json")
    assert json.loads(body) == {"error": MESSAGE}
    status, _, _ = _get(server_port, "/api/layers", f"127.0.0.1:{server_port}")
    assert status == 200
