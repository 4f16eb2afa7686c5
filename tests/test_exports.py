"""Downloads in every format: headers, counts as GDAL reads them, Vietnamese text, cleanup."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pyogrio
import pytest
from clients.samples import LAYERS, QUOTE, SAMPLE_COLLECTIONS, held, write_data_dir
from clients.tools import feature_count, feature_ids, ogrinfo

from mapapp import create_app
from mapapp.core.links import absolute_sources
from mapapp.core.model import LAYER_IDS
from mapapp.query import exports

FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "kml": ("application/vnd.google-earth.kml+xml", "kml"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
}
ALL_FEATURES = [f for lid in LAYER_IDS for f in LAYERS[lid]]


@pytest.fixture
def ogc(tmp_path):
    app = create_app({"DATA_DIR": str(write_data_dir(tmp_path / "data")), "TESTING": True})
    return app.test_client()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Point tempfile at an empty directory, to see whatever an export leaves behind."""
    target = tmp_path / "tmp"
    target.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(target))
    return target


def download(ogc, tmp_path: Path, url: str, fmt: str, name: str) -> Path:
    response = ogc.get(url)
    assert response.status_code == 200, response.data[:300]
    media_type, ext = FORMATS[fmt]
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.{ext}"'
    path = tmp_path / f"{name}-{fmt}.{ext}"
    path.write_bytes(response.data)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("collection_id", SAMPLE_COLLECTIONS)
def test_every_collection_downloads_whole(ogc, tmp_path, private_tmp, fmt, collection_id) -> None:
    url = f"/ogc/collections/{collection_id}/items?f={fmt}"
    path = download(ogc, tmp_path, url, fmt, collection_id)
    assert feature_count(ogrinfo("-ro", "-so", "-al", str(path))) == [len(held(collection_id))]
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # In layer order: by date as written (2020 < 2020-11 < 2020-11-21), then id.
        ("datetime=2020-11&bbox=46,39,47,40", ["ev-year", "ev-month", "ev-day"]),
        ("event_type=phone_call", ["ev-range", "ev-multi"]),
        # The undated event matches every datetime and comes first: offset 1 skips it.
        ("datetime=2020-11&limit=2&offset=1", ["ev-year", "ev-month"]),
        ("kind=nothing", []),
    ],
)
def test_filtered_queries_download_exactly_the_matches(ogc, tmp_path, fmt, query, expected):
    path = download(ogc, tmp_path, f"/ogc/collections/events/items?{query}&f={fmt}", fmt, "events")
    listing = ogrinfo("-ro", "-al", str(path))
    assert feature_count(listing) == [len(expected)]
    field = "feature_id" if fmt == "kml" else "id"
    assert feature_ids(listing, field) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_vietnamese_text_and_nested_values_round_trip(ogc, tmp_path, fmt) -> None:
    path = download(ogc, tmp_path, "/ogc/collections/events/items?f=" + fmt, fmt, "events")
    assert QUOTE in ogrinfo("-ro", "-al", str(path))
    frame = pyogrio.read_dataframe(path)
    id_column = "feature_id" if fmt == "kml" else "id"
    row = frame[frame[id_column] == "ev-multi"].iloc[0]
    expected = absolute_sources(LAYERS["events"][4], "http://localhost")["properties"]
    assert expected["sources"][0]["url"].startswith("http://localhost/articles/")
    # Nested values are JSON text, in GeoJSON as in every file format a GIS writes.
    assert json.loads(row["sources"]) == expected["sources"]
    if fmt == "geojson":
        return
    assert row["url"].startswith("http://localhost/articles/")  # the provenance column
    assert row["name_vi"] == "cuộc điện đàm"
    assert row["quote"] == QUOTE + " | " + "Nga điều động 20 máy bay vận tải."
    day = frame[frame[id_column] == "ev-day"].iloc[0]
    assert json.loads(day["quantities"]) == {"flights": 250, "people": 1960}
    assert json.loads(day["actors"]) == ["Sergei Shoigu"]


def test_csv_columns_geometry_and_provenance() -> None:
    body = exports.export(LAYERS["events"][:5], "csv", "events")
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0])[:8] == [
        "id",
        "layer",
        "name",
        "name_vi",
        "kind",
        "event_type",
        "date",
        "date_end",
    ]
    assert list(rows[0])[-7:] == ["article_id", "sentence", "quote", "url", "wkt", "lon", "lat"]
    day, multi = rows[0], rows[4]
    assert (day["wkt"], day["lon"], day["lat"]) == ("POINT (46.75 39.81)", "46.75", "39.81")
    assert (multi["wkt"], multi["lon"], multi["lat"]) == (
        "MULTIPOINT ((37.62 55.75), (32.85 39.92))",
        "",
        "",
    )
    assert multi["article_id"] == (
        "2020-11-25-putin-erdogan-call | 2020-11-17-russia-humanitarian-centre"
    )
    assert multi["sentence"] == "1 | 3"
    assert multi["url"] == (
        "/articles/2020-11-25-putin-erdogan-call#s1 | "
        "/articles/2020-11-17-russia-humanitarian-centre#s3"
    )
    assert json.loads(multi["sources"]) == LAYERS["events"][4]["properties"]["sources"]
    assert rows[1]["date_end"] == "2020-11-24" and day["date_end"] == ""


def test_mixed_property_types_become_one_column_type(tmp_path) -> None:
    features = [
        {
            "type": "Feature",
            "id": "a",
            "geometry": {"type": "Point", "coordinates": [1, 2]},
            "properties": {"n": 1, "mixed": 1, "count": 3, "flag": True},
        },
        {
            "type": "Feature",
            "id": "b",
            "geometry": None,
            "properties": {"n": 2.5, "mixed": "two", "flag": False},
        },
    ]
    path = tmp_path / "mixed.gpkg"
    path.write_bytes(exports.export(features, "gpkg", "mixed"))
    frame = pyogrio.read_dataframe(path)
    assert list(frame["n"]) == [1.0, 2.5]
    assert list(frame["mixed"]) == ["1", "two"]
    assert list(frame["count"].fillna(-1)) == [3, -1]
    assert list(frame["flag"]) == [True, False]
    assert frame.geometry.isna().tolist() == [False, True]


def test_a_failing_export_still_removes_its_files(private_tmp, monkeypatch) -> None:
    def broken(frame, path, **kwargs):
        Path(path).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", broken)
    with pytest.raises(OSError, match="disk full"):
        exports.export(ALL_FEATURES, "gpkg", "all")
    assert list(private_tmp.iterdir()) == []


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'shp'"):
        exports.export([], "shp", "x")


def test_kml_places_have_a_time_span_from_their_dates(ogc, tmp_path) -> None:
    """Google Earth's time slider reads a Placemark's TimeSpan: the date as written (a month
    stays a month) through date_end; an undated place has none."""
    import xml.etree.ElementTree as ET

    path = download(ogc, tmp_path, "/ogc/collections/events/items?f=kml", "kml", "events")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    spans = {}
    for mark in ET.parse(path).getroot().iter("{http://www.opengis.net/kml/2.2}Placemark"):
        fid = mark.find("k:ExtendedData/k:SchemaData/k:SimpleData[@name='feature_id']", ns)
        span = mark.find("k:TimeSpan", ns)
        spans[fid.text] = (
            None
            if span is None
            else (span.findtext("k:begin", namespaces=ns), span.findtext("k:end", namespaces=ns))
        )
    assert spans["ev-day"] == ("2020-11-21", "2020-11-21")
    assert spans["ev-month"] == ("2020-11", "2020-11")
    assert spans["ev-range"] == ("2020-11-23", "2020-11-24")
    assert spans["ev-undated"] is None


def test_source_links_are_absolute_everywhere_a_gis_reads(ogc) -> None:
    site = "http://localhost/articles/"
    # The layer API keeps the data's site paths (the data contract).
    layer = json.loads(ogc.get("/api/layers/events").get_data())
    assert all(
        s["url"].startswith("/articles/")
        for f in layer["features"]
        for s in f["properties"]["sources"]
    )
    page = ogc.get("/ogc/collections/events/items?limit=3").get_json()
    assert all(s["url"].startswith(site) for f in page["features"] for s in _sources(f))
    places = ogc.get("/ogc/collections/places/items?limit=3").get_json()
    assert all(s["url"].startswith(site) for f in places["features"] for s in _sources(f))
    text = ogc.get("/download/view.csv?layers=events-phone_call").get_data().decode("utf-8-sig")
    assert all(r["url"].startswith(site) for r in csv.DictReader(io.StringIO(text)))
    # The HTML pages show the same links as the JSON.
    html = ogc.get("/ogc/collections/events/items/ev-multi?f=html").get_data(as_text=True)
    assert 'href="http://localhost/articles/' in html


def _sources(feature: dict) -> list[dict]:
    """A served feature's sources (JSON text in the OGC API, for GIS clients)."""
    return json.loads(feature["properties"]["sources"])


def test_behind_a_trusted_proxy_links_name_the_public_address(tmp_path) -> None:
    data = write_data_dir(tmp_path / "data")
    forwarded = {"X-Forwarded-Host": "maps.example.org", "X-Forwarded-Proto": "https"}
    trusting = create_app({"DATA_DIR": str(data), "TESTING": True, "TRUST_PROXY": 1})
    page = trusting.test_client().get("/ogc/collections/events/items?limit=1", headers=forwarded)
    doc = page.get_json()
    assert _sources(doc["features"][0])[0]["url"].startswith("https://maps.example.org/articles/")
    assert doc["links"][0]["href"].startswith("https://maps.example.org/ogc/")
    # Not configured to trust a proxy: the headers are anybody's, and ignored.
    plain = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    doc = plain.get("/ogc/collections/events/items?limit=1", headers=forwarded).get_json()
    assert _sources(doc["features"][0])[0]["url"].startswith("http://localhost/")
    with pytest.raises(ValueError, match="TRUST_PROXY"):
        create_app({"DATA_DIR": str(data), "TESTING": True, "TRUST_PROXY": "yes"})
