"""OGC API – Features – Part 1: Core 1.0.1, requirements class "GeoJSON"
(http://www.opengis.net/spec/ogcapi-features-1/1.0/req/geojson), checked requirement by
requirement through real requests to /ogc/ (the ``client`` fixture: the app over a copy of
the bundled data). The JSON responses are validated against the standard's schemas
(tests/ogcschema.py); GeoJSON objects also against RFC 7946's structure.
"""

from __future__ import annotations

from urllib.parse import quote

import orjson

from mapapp.ogc.schemas import GEOMETRY_TYPES
from tests.ogcreq import collection_ids, every_feature, get_json, media, valid


def rfc7946_problems(node: object, where: str = "$") -> list[str]:
    """What keeps ``node`` from being a GeoJSON object as RFC 7946 section 3 defines it."""
    if not isinstance(node, dict):
        return [f"{where}: not an object"]
    kind = node.get("type")
    if kind == "FeatureCollection":
        features = node.get("features")
        if not isinstance(features, list):
            return [f"{where}.features: not an array"]
        return [p for i, f in enumerate(features) for p in rfc7946_problems(f, f"{where}[{i}]")]
    if kind == "Feature":
        found = []
        if "geometry" not in node or "properties" not in node:
            found.append(f"{where}: a Feature has members geometry and properties (3.2)")
        if node.get("geometry") is not None:
            found += rfc7946_problems(node["geometry"], f"{where}.geometry")
        if not isinstance(node.get("properties"), (dict, type(None))):
            found.append(f"{where}.properties: an object or null (3.2)")
        if "id" in node and not isinstance(node["id"], (str, int, float)):
            found.append(f"{where}.id: a string or a number (3.2)")
        return found
    if kind == "GeometryCollection":
        members = node.get("geometries")
        if not isinstance(members, list):
            return [f"{where}.geometries: not an array"]
        return [p for i, g in enumerate(members) for p in rfc7946_problems(g, f"{where}[{i}]")]
    if kind not in GEOMETRY_TYPES:
        return [f"{where}: type {kind!r} is no GeoJSON type"]
    return _coordinates_problems(kind, node.get("coordinates"), where)


def _position(value: object) -> bool:
    return (
        isinstance(value, list)
        and 2 <= len(value) <= 3
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


def _line(value: object, minimum: int) -> bool:
    return isinstance(value, list) and len(value) >= minimum and all(map(_position, value))


def _ring(value: object) -> bool:
    return _line(value, 4) and value[0] == value[-1]  # type: ignore[index]


def _coordinates_problems(kind: str, coordinates: object, where: str) -> list[str]:
    def polygon(value: object) -> bool:
        return isinstance(value, list) and len(value) >= 1 and all(map(_ring, value))

    def many(check, value: object) -> bool:
        return isinstance(value, list) and all(check(v) for v in value)

    ok = {
        "Point": _position,
        "MultiPoint": lambda v: many(_position, v),
        "LineString": lambda v: _line(v, 2),
        "MultiLineString": lambda v: many(lambda x: _line(x, 2), v),
        "Polygon": polygon,
        "MultiPolygon": lambda v: many(polygon, v),
    }[kind](coordinates)
    return [] if ok else [f"{where}: coordinates of a {kind} (3.1)"]


def test_req_geojson_definition(client) -> None:
    """/req/geojson/definition A: 200-responses support ``application/geo+json`` for the
    resources with feature content (features, feature) and ``application/json`` for all
    others (landing page, conformance, collections, collection), by ``Accept``."""
    feature = every_feature(client, "events", counted=True)[0]["id"]
    for url in ("/ogc/collections/events/items", f"/ogc/collections/events/items/{feature}"):
        for accept in ("application/geo+json", "application/geo+json, text/html;q=0.5"):
            response = client.get(url, headers={"Accept": accept})
            assert response.status_code == 200, url
            assert response.headers["Content-Type"] == "application/geo+json", url
        assert client.get(url + "?f=json").headers["Content-Type"] == "application/geo+json"
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/events"):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 200, url
        assert media(response.headers["Content-Type"]) == "application/json", url
        orjson.loads(response.data)


def test_req_geojson_content_a(client) -> None:
    """/req/geojson/content A: every ``application/geo+json`` 200-response is a GeoJSON
    FeatureCollection object (RFC 7946 3.3) for features and a Feature object (3.2) for a
    single feature: pages of every collection, the GeoJSON download, every feature."""
    checked = 0
    for cid in collection_ids(client):
        for url in (
            f"/ogc/collections/{cid}/items",
            f"/ogc/collections/{cid}/items?limit=10000",
            f"/ogc/collections/{cid}/items?f=geojson",
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert media(response.headers["Content-Type"]) == "application/geo+json", url
            doc = orjson.loads(response.data)
            assert doc["type"] == "FeatureCollection", url
            assert not rfc7946_problems(doc), (url, rfc7946_problems(doc)[:3])
            valid("featureCollectionGeoJSON", doc)
        download = doc  # the last: every feature of the collection
        for feature in download["features"]:
            response = client.get(f"/ogc/collections/{cid}/items/{quote(feature['id'])}")
            assert media(response.headers["Content-Type"]) == "application/geo+json"
            item = orjson.loads(response.data)
            assert item["type"] == "Feature"
            assert not rfc7946_problems(item), rfc7946_problems(item)[:3]
            valid("featureGeoJSON", item)
            checked += 1
    assert checked > 30


def test_req_geojson_content_b(client) -> None:
    """/req/geojson/content B: the ``id`` of the Feature a GET on a Feature resource returns is
    the ``featureId`` path parameter of the request, for every feature."""
    for cid in collection_ids(client):
        for feature in every_feature(client, cid, counted=True):
            feature_id = feature["id"]
            doc = get_json(client, f"/ogc/collections/{cid}/items/{quote(feature_id)}")
            assert doc["id"] == feature_id


def test_req_geojson_content_c(client) -> None:
    """/req/geojson/content C: the links /req/core/fc-links (``self``, ``alternate``) and
    /req/core/f-links (``self``, ``alternate``, ``collection``) ask for are in a foreign member
    named ``links``, in every GeoJSON response: pages, the GeoJSON download, features."""
    lacking = []
    for cid in collection_ids(client):
        feature = every_feature(client, cid, counted=True)[0]["id"]
        cases = [
            (f"/ogc/collections/{cid}/items", {"self", "alternate"}),
            (f"/ogc/collections/{cid}/items?f=geojson", {"self", "alternate"}),
            (f"/ogc/collections/{cid}/items/{quote(feature)}", {"self", "alternate", "collection"}),
        ]
        for url, wanted in cases:
            response = client.get(url)
            assert media(response.headers["Content-Type"]) == "application/geo+json"
            doc = orjson.loads(response.data)
            links = doc.get("links")
            rels = {x.get("rel") for x in links} if isinstance(links, list) else set()
            if not wanted <= rels:
                lacking.append((url, sorted(wanted - rels)))
    assert not lacking, f"GeoJSON responses without the required `links`: {lacking}"


def test_req_geojson_content_d(client) -> None:
    """/req/geojson/content D: every ``application/json`` response follows the JSON schema of
    its resource in Core: landing page, conformance, collections, each collection, and the
    exception of an error."""
    cases = [("/ogc/", "landingPage"), ("/ogc/conformance", "confClasses")]
    cases.append(("/ogc/collections", "collections"))
    cases += [(f"/ogc/collections/{cid}", "collection") for cid in collection_ids(client)]
    cases += [
        ("/ogc/collections/no-such-collection", "exception"),
        ("/ogc/collections/events/items/no-such-feature", "exception"),
        ("/ogc/collections/events/items?limit=0", "exception"),
        ("/ogc/collections?unknownparam=1", "exception"),
    ]
    for url, schema in cases:
        response = client.get(url, headers={"Accept": "application/json"})
        assert media(response.headers["Content-Type"]) == "application/json", url
        assert (response.status_code == 200) == (schema != "exception"), url
        valid(schema, orjson.loads(response.data))
