"""OGC API errors and formats: 404/400/405 bodies naming the problem, content negotiation."""

from __future__ import annotations

import pytest
from clients.samples import write_data_dir

from mapapp import create_app

ITEMS = "/ogc/collections/events/items"


@pytest.fixture
def ogc(tmp_path):
    app = create_app({"DATA_DIR": str(write_data_dir(tmp_path / "data")), "TESTING": True})
    return app.test_client()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/ogc/collections/events/items/no-such", "collection 'events' has no feature 'no-such'"),
        ("/ogc/collections/places/items/ev-day", "collection 'places' has no feature 'ev-day'"),
        ("/ogc/collections/nope/items/ev-day", "unknown collection 'nope'"),
        ("/ogc/collections/nope/items", "unknown collection 'nope'"),
        ("/ogc/collections/nope", "unknown collection 'nope'"),
        ("/ogc/nothing-here", "not found"),
    ],
)
def test_not_found_is_json(ogc, url: str, message: str) -> None:
    response = ogc.get(url)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert message in response.get_json()["description"]


@pytest.mark.parametrize(
    ("url", "parameter", "problem"),
    [
        (f"{ITEMS}?color=red", "color", "unknown parameter"),
        (f"{ITEMS}?bbox=1,2,3,4&bbox-crs=x", "bbox-crs", "not a supported CRS"),
        (f"{ITEMS}?crs=x", "crs", "not a supported CRS"),
        ("/ogc/?limit=5", "limit", "unknown parameter"),
        ("/ogc/collections/events/items/ev-day?bbox=1,2,3,4", "bbox", "unknown parameter"),
        (f"{ITEMS}?bbox=1,2,3", "bbox", "expected 4"),
        (f"{ITEMS}?bbox=1,2,3,4,5", "bbox", "or 6"),
        (f"{ITEMS}?bbox=1,2,30,4,5,6", "bbox", "minimum height is above"),
        (f"{ITEMS}?bbox=a,b,c,d", "bbox", "must be a number"),
        (f"{ITEMS}?bbox=0,0,nan,1", "bbox", "finite"),
        (f"{ITEMS}?bbox=-181,0,1,1", "bbox", "longitudes"),
        (f"{ITEMS}?bbox=0,-91,1,1", "bbox", "latitudes"),
        (f"{ITEMS}?bbox=0,10,1,5", "bbox", "north of"),
        (f"{ITEMS}?datetime=tomorrow", "datetime", "expected a date"),
        (f"{ITEMS}?datetime=2020-02-30", "datetime", "expected a date"),
        (f"{ITEMS}?datetime=2021/2020", "datetime", "ends before"),
        (f"{ITEMS}?limit=0", "limit", "must be >= 1"),
        (f"{ITEMS}?limit=ten", "limit", "whole number"),
        (f"{ITEMS}?limit=-1", "limit", "whole number"),
        (f"{ITEMS}?offset=1.5", "offset", "whole number"),
        (f"{ITEMS}?kind=", "kind", "must not be empty"),
        (f"{ITEMS}?f=xml", "f", "must be one of json, html, geojson, csv, kml, gpkg"),
        ("/ogc/conformance?f=csv", "f", "must be one of json, html"),
        (f"{ITEMS}?limit=5&limit=6", "limit", "more than once"),
        ("/ogc/collections/events?datetime=never", "datetime", "expected a date"),
    ],
)
def test_bad_parameters_are_400_naming_them(ogc, url: str, parameter: str, problem: str) -> None:
    response = ogc.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    error = response.get_json()["description"]
    assert error.startswith(f"bad parameter {parameter!r}: ")
    assert problem in error


@pytest.mark.parametrize(
    ("url", "accept", "expected"),
    [
        ("/ogc/", None, "application/json"),
        ("/ogc/", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
        ("/ogc/", "application/json", "application/json"),
        ("/ogc/?f=json", "text/html", "application/json"),
        ("/ogc/?f=html", "application/json", "text/html"),
        (ITEMS, "application/geo+json", "application/geo+json"),
        (ITEMS, "text/html", "text/html"),
        (ITEMS, "text/csv", "text/csv"),
        (ITEMS, "*/*", "application/geo+json"),
        (
            "/ogc/openapi",
            "application/vnd.oai.openapi+json;version=3.0",
            "application/vnd.oai.openapi+json",
        ),
        ("/ogc/openapi", "text/html", "text/html"),
    ],
)
def test_content_negotiation(ogc, url: str, accept: str | None, expected: str) -> None:
    response = ogc.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in [v.strip() for v in response.headers["Vary"].split(",")]


def test_errors_are_html_when_html_is_asked_for(ogc) -> None:
    response = ogc.get(f"{ITEMS}?f=html&limit=0")
    assert response.status_code == 400 and response.mimetype == "text/html"
    response = ogc.get("/ogc/nothing", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_unsupported_method_is_405_with_allow(ogc) -> None:
    response = ogc.post(ITEMS)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json() == {
        "code": "MethodNotAllowed",
        "description": "The method is not allowed for the requested URL.",
    }
