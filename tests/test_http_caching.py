"""Data answers carry an ETag of the data version and revalidate to 304 until the data changes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mapapp.pipeline.ingest import ingest
from mapapp.web import create_app

REPO = Path(__file__).resolve().parents[1]
WINTER = REPO / "tests" / "articles" / "2021-01-03-lachin-corridor-winter.md"

CACHED = [
    "/api/layers",
    "/api/layers/events",
    "/download/places.geojson",
    "/ogc/collections/events/items?limit=5",
    "/map/popups/place-stepanakert",
]


@pytest.fixture
def client(data_dir: Path):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()


@pytest.mark.parametrize("url", CACHED)
def test_a_repeat_request_is_a_304_without_a_body(client, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert (
        "public" in first.headers["Cache-Control"]
        and "max-age=60" in first.headers["Cache-Control"]
    )
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


def test_the_etag_changes_with_the_data_the_url_and_the_language(
    client, data_dir: Path, gazetteer
) -> None:
    url = "/api/layers/events"
    etag = client.get(url).headers["ETag"]
    assert client.get("/api/layers/places").headers["ETag"] != etag
    popup = client.get("/map/popups/place-stepanakert?lang=en").headers["ETag"]
    assert client.get("/map/popups/place-stepanakert?lang=vi").headers["ETag"] != popup
    ingest([WINTER], data_dir, gazetteer)
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert b"lachin-corridor-winter" in fresh.data


def test_pages_and_errors_are_not_cached(client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "ETag" not in page.headers
    missing = client.get("/api/layers/nope")
    assert missing.status_code == 404 and "ETag" not in missing.headers


def test_data_answers_are_compressed_and_still_revalidate(client) -> None:
    url = "/ogc/collections/events/items?limit=20"
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(plain.data) / 3
    assert gzip.decompress(zipped.data) == plain.data
    etag = zipped.headers["ETag"]
    assert etag.endswith(':gzip"')
    for sent in (etag, f"W/{etag}"):
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": sent})
        assert again.status_code == 304


def test_data_answers_set_no_cookie(client) -> None:
    answer = client.get("/map/popups/place-stepanakert?lang=vi")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    assert "Set-Cookie" in client.get("/?lang=vi").headers
