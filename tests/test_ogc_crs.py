"""OGC API – Features – Part 2: responses, bboxes and filters in EPSG:4326 and EPSG:3857.

Web Mercator is checked against the spherical formulas written out here (EPSG:3857 is the
WGS 84 semi-major axis on a sphere), not against the library the service uses.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.ogcschema import problems

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
PART2 = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
RADIUS = 6378137.0


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return (
        RADIUS * math.radians(lon),
        RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)),
    )


def _positions(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
        return
    for part in coords:
        yield from _positions(part)


def _features(client, collection: str, **params: str) -> tuple[dict, dict[str, dict]]:
    response = client.get(
        f"/ogc/collections/{collection}/items", query_string={"limit": "1000", **params}
    )
    assert response.status_code == 200, response.get_json()
    return response.headers, {f["id"]: f for f in response.get_json()["features"]}


@pytest.mark.parametrize("collection", ["places", "routes", "regions", "events"])
def test_geometries_come_in_the_crs_asked_for(client, collection):
    """/req/crs/fc-crs-action, /req/crs/ogc-crs-header(-value)."""
    headers, plain = _features(client, collection)
    assert headers["Content-Crs"] == f"<{CRS84}>"  # the default, said too
    headers, swapped = _features(client, collection, crs=EPSG4326)
    assert headers["Content-Crs"] == f"<{EPSG4326}>"
    headers, metres = _features(client, collection, crs=EPSG3857)
    assert headers["Content-Crs"] == f"<{EPSG3857}>"
    assert plain.keys() == swapped.keys() == metres.keys()
    compared = 0
    for fid, feature in plain.items():
        if feature["geometry"] is None:
            assert swapped[fid]["geometry"] is None and metres[fid]["geometry"] is None
            continue
        assert swapped[fid]["geometry"]["type"] == feature["geometry"]["type"]
        lonlat = list(_positions(feature["geometry"]["coordinates"]))
        latlon = list(_positions(swapped[fid]["geometry"]["coordinates"]))
        xy = list(_positions(metres[fid]["geometry"]["coordinates"]))
        assert len(lonlat) == len(latlon) == len(xy)
        for (lon, lat), (lat2, lon2), (x, y) in zip(lonlat, latlon, xy, strict=True):
            assert (lat2, lon2) == (lat, lon)
            ex, ey = _mercator(lon, min(lat, 85.0511287798))
            assert abs(x - ex) < 0.01 and abs(y - ey) < 0.01
            compared += 1
    assert compared


def test_one_feature_and_the_geojson_download_take_crs_too(client):
    response = client.get(
        "/ogc/collections/places/items/place-baku", query_string={"crs": EPSG4326}
    )
    assert response.headers["Content-Crs"] == f"<{EPSG4326}>"
    lon, lat = client.get("/ogc/collections/places/items/place-baku").get_json()["geometry"][
        "coordinates"
    ]
    assert response.get_json()["geometry"]["coordinates"] == [lat, lon]
    download = client.get(
        "/ogc/collections/places/items", query_string={"f": "geojson", "crs": EPSG3857}
    )
    assert download.headers["Content-Crs"] == f"<{EPSG3857}>"
    doc = json.loads(download.get_data())
    baku = next(f for f in doc["features"] if f["id"] == "place-baku")
    x, y = _mercator(lon, lat)
    assert baku["geometry"]["coordinates"] == pytest.approx([x, y], abs=0.01)


@pytest.mark.parametrize(
    ("crs", "box"),
    [
        (EPSG4326, "39,46,40.5,47.5"),
        (EPSG3857, ",".join(f"{v:.3f}" for v in (*_mercator(46, 39), *_mercator(47.5, 40.5)))),
    ],
)
def test_a_bbox_in_another_crs_finds_what_the_crs84_bbox_does(client, crs, box):
    """/req/crs/fc-bbox-crs-action; and the same for filter-crs (Part 3, filter-crs B)."""
    _, expected = _features(client, "places", bbox="46,39,47.5,40.5")
    assert 0 < len(expected) < len(_features(client, "places")[1])
    _, found = _features(client, "places", bbox=box, **{"bbox-crs": crs})
    assert found.keys() == expected.keys()
    expr = f"S_INTERSECTS(geometry, BBOX({box}))"
    _, filtered = _features(client, "places", filter=expr, **{"filter-crs": crs})
    assert filtered.keys() == expected.keys()
    # A polygon literal is moved too: a small square around Stepanakert, in the CRS's axes.
    corners = [(46.74, 39.80), (46.77, 39.80), (46.77, 39.83), (46.74, 39.83), (46.74, 39.80)]
    moved = [(lat, lon) if crs == EPSG4326 else _mercator(lon, lat) for lon, lat in corners]
    ring = ", ".join(f"{x} {y}" for x, y in moved)
    _, at = _features(
        client, "places", filter=f"S_INTERSECTS(geometry, POLYGON(({ring})))",
        **{"filter-crs": crs},
    )  # fmt: skip
    ring84 = ", ".join(f"{x} {y}" for x, y in corners)
    _, at84 = _features(client, "places", filter=f"S_INTERSECTS(geometry, POLYGON(({ring84})))")
    assert at.keys() == at84.keys() and "place-stepanakert" in at


BAD = [
    ({"crs": "EPSG:4326"}, "crs"),
    ({"crs": "http://www.opengis.net/def/crs/EPSG/0/32638"}, "crs"),
    ({"bbox": "1,2,3,4", "bbox-crs": "urn:ogc:def:crs:EPSG::4326"}, "bbox-crs"),
    ({"bbox-crs": EPSG4326}, "bbox-crs"),
    ({"bbox": "0,0,1,1,2,3", "bbox-crs": EPSG3857}, "bbox"),
    ({"bbox": "0,0,30000000,1", "bbox-crs": EPSG3857}, "bbox"),
    ({"filter": "kind = 'x'", "filter-crs": "http://example.com/crs"}, "filter-crs"),
    ({"crs": EPSG3857, "f": "kml"}, "crs"),
    ({"crs": EPSG3857, "f": "csv"}, "crs"),
]


@pytest.mark.parametrize(("params", "name"), BAD)
def test_an_unsupported_crs_is_a_400_naming_the_parameter(client, params, name):
    """/req/crs/crs-exception, /req/crs/bbox-crs-exception A-B, fc-(bbox-)crs-valid-value A."""
    response = client.get("/ogc/collections/places/items", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert problems("exception", body) == []
    assert f"'{name}'" in body["description"]


def test_collections_list_their_crs_and_storage_crs(client):
    """/req/crs/fc-md-crs-list A-B, fc-md-storageCrs, fc-md-storageCrs-valid-value."""
    for doc in client.get("/ogc/collections").get_json()["collections"]:
        assert doc["crs"][0] == CRS84 and set(doc["crs"]) == {CRS84, EPSG4326, EPSG3857}
        assert doc["storageCrs"] == CRS84
        assert problems("collection", doc) == []
    conformance = client.get("/ogc/conformance").get_json()["conformsTo"]
    assert PART2 in conformance


def test_openapi_declares_crs_and_bbox_crs(client):
    """/req/crs/fc-crs-definition, /req/crs/fc-bbox-crs-definition."""
    doc = client.get("/ogc/openapi?f=json").get_json()
    params = doc["components"]["parameters"]

    def names(path: str) -> set[str]:
        return {
            params[p["$ref"].rsplit("/", 1)[1]]["name"]
            for p in doc["paths"][path]["get"]["parameters"]
        }

    assert {"crs", "bbox-crs"} <= names("/collections/{collectionId}/items")
    assert "crs" in names("/collections/{collectionId}/items/{featureId}")
    for name in ("crs", "bbox-crs"):
        schema = params[name]["schema"]
        assert schema["type"] == "string" and schema["format"] == "uri"
        assert params[name]["style"] == "form" and params[name]["explode"] is False


def test_paging_links_keep_the_crs(client):
    response = client.get(
        "/ogc/collections/places/items", query_string={"limit": "2", "crs": EPSG4326}
    )
    following = next(x["href"] for x in response.get_json()["links"] if x["rel"] == "next")
    assert "crs=http" in following
    page = client.get(following.replace("http://localhost", ""))
    assert page.headers["Content-Crs"] == f"<{EPSG4326}>"
