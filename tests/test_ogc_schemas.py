"""Every JSON document the OGC API answers with validates against the OGC API - Features
Part 1 (1.0.1) schemas (tests/ogc_schemas): the landing page, conformance, collections, each
collection, its items pages and items, and every kind of error (/req/core/*-success,
/req/geojson/*-success, the exception schema of /req/core/query-param-invalid)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ogcschema import problems

from mapapp import create_app
from mapapp.pipeline.ingest import ingest

REPO = Path(__file__).resolve().parents[1]
UNPLACED = REPO / "tests" / "articles" / "2024-03-05-ceasefire-unplaced.md"


@pytest.fixture(scope="module")
def ogc(tmp_path_factory, gazetteer):
    import shutil

    data = tmp_path_factory.mktemp("ogc-schemas") / "geodata"
    shutil.copytree(
        REPO / "geodata", data, ignore=shutil.ignore_patterns(".lock", "*.tmp", ".index")
    )
    ingest([UNPLACED], data, gazetteer)  # an event with a null geometry among the items
    return create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()


def _json(ogc, url: str, status: int = 200) -> dict:
    response = ogc.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    return response.get_json()


def _valid(document: str, body: object) -> None:
    found = problems(document, body)
    assert not found, found[:5]


def test_the_service_documents_validate(ogc) -> None:
    _valid("landingPage", _json(ogc, "/ogc/"))
    _valid("confClasses", _json(ogc, "/ogc/conformance"))
    collections = _json(ogc, "/ogc/collections")
    _valid("collections", collections)
    assert len(collections["collections"]) >= 4
    for collection in collections["collections"]:
        _valid("collection", _json(ogc, f"/ogc/collections/{collection['id']}"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?limit=2",
        "?limit=2&offset=2",
        "?limit=1000000",  # above the maximum: the maximum is used, no error
        "?bbox=44,38,48,41",
        "?bbox=44,38,-1000,48,41,9000",
        "?datetime=2020-11-10",
        "?datetime=../2020-11-10",
        "?sortby=-date&properties=name,date&skipGeometry=true",
        "?resulttype=hits",
        "?q=stepanakert",
    ],
)
def test_every_items_page_and_item_validates(ogc, query: str) -> None:
    for collection in _json(ogc, "/ogc/collections")["collections"]:
        page = _json(ogc, f"/ogc/collections/{collection['id']}/items{query}")
        _valid("featureCollectionGeoJSON", page)
        for feature in page["features"][:3]:
            url = f"/ogc/collections/{collection['id']}/items/{feature['id']}"
            _valid("featureGeoJSON", _json(ogc, url))


def test_an_unplaced_event_is_a_valid_item(ogc) -> None:
    fid = f"event-{UNPLACED.stem}-s1"
    item = _json(ogc, f"/ogc/collections/events/items/{fid}")
    assert item["geometry"] is None
    _valid("featureGeoJSON", item)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/ogc/collections/nope", 404, "NotFound"),
        ("/ogc/collections/events/items/no-such", 404, "NotFound"),
        ("/ogc/nothing-here", 404, "NotFound"),
        ("/ogc/collections/events/items?color=red", 400, "InvalidParameterValue"),
        ("/ogc/collections/events/items?bbox=1,2,3", 400, "InvalidParameterValue"),
        ("/ogc/collections/events/items?datetime=never", 400, "InvalidParameterValue"),
        ("/ogc/collections/events/items?limit=0", 400, "InvalidParameterValue"),
        ("/ogc/collections/events/items?f=xml", 400, "InvalidParameterValue"),
    ],
)
def test_errors_are_ogc_exceptions(ogc, url: str, status: int, code: str) -> None:
    body = _json(ogc, url, status)
    _valid("exception", body)
    assert body["code"] == code and body["description"]


def test_a_wrong_method_is_an_ogc_exception(ogc) -> None:
    response = ogc.post("/ogc/collections/events/items")
    assert response.status_code == 405
    _valid("exception", response.get_json())
    assert response.get_json()["code"] == "MethodNotAllowed"
