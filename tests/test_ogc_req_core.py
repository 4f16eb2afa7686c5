"""OGC API – Features – Part 1: Core 1.0.1, requirements class "Core"
(http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core), checked requirement by requirement.

Each test is named after one requirement (or one lettered part of it), quotes its URI and
paraphrases it in its docstring, and checks what the standard's text states through real
requests to /ogc/ (the ``client`` fixture: the app over a copy of the bundled data). Where the
standard refers to the API definition (the maximum of ``limit``, the media types a resource
is offered in, the collections the server provides), the expectation is read from the
service's own OpenAPI document, so a new format or parameter is checked too.

Expected results are computed independently of mapapp: spatial selection with shapely on
the features' geometries, temporal selection from their ``date``/``date_end`` here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import orjson
import shapely
from shapely.geometry import shape

from mapapp import create_app
from mapapp.ogc.schemas import GEOMETRY_TYPES
from tests.ogcreq import (
    api_definition,
    by_rel,
    collection_ids,
    deref,
    every_feature,
    get_json,
    local,
    media,
    valid,
)

ITEMS = "/collections/{collectionId}/items"
FEATURE = "/collections/{collectionId}/items/{featureId}"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84H = "http://www.opengis.net/def/crs/OGC/0/CRS84h"
CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


# --- helpers -------------------------------------------------------------------------------


def parameters(api: dict, path: str) -> dict[str, dict]:
    """The parameters of ``GET path``, resolved, by name."""
    item = api["paths"][path]
    declared = [*item.get("parameters", []), *item["get"].get("parameters", [])]
    return {p["name"]: p for p in (deref(api, x) for x in declared)}


def success_types(api: dict, path: str) -> set[str]:
    """The media types the API definition gives the 200 response of ``GET path``."""
    response = deref(api, api["paths"][path]["get"]["responses"]["200"])
    return {media(t) for t in response.get("content", {})}


def found_ids(client, collection_id: str, **params: str) -> list[str]:
    query = urlencode({"limit": "10000", **params}, safe="/:,")
    body = get_json(client, f"/ogc/collections/{collection_id}/items?{query}")
    return [f["id"] for f in body["features"]]


def effective_style_explode(parameter: dict) -> tuple[str, bool]:
    """``style`` and ``explode`` of a query parameter with OpenAPI 3.0's defaults applied
    (style ``form``; explode true for ``form``, false otherwise)."""
    style = parameter.get("style", "form")
    return style, parameter.get("explode", style == "form")


# Space: a bbox as the area it covers in CRS84 (west > east crosses the antimeridian).


def bbox_area(values: Sequence[float]):
    west, south, east, north = (
        (values[0], values[1], values[-3], values[-2]) if len(values) == 6 else values
    )
    if west > east:
        return shapely.union(
            shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)
        )
    return shapely.box(west, south, east, north)


def intersects(feature: dict, values: Sequence[float]) -> bool:
    return shape(feature["geometry"]).intersects(bbox_area(values))


# Time: a feature's temporal geometry is the days from its ``date`` through its ``date_end``
# (each at its own precision: ``2020-11`` is the whole month), as a half-open UTC interval.


def _days(text: str) -> tuple[date, date]:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        year, month = parts
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    return date(*parts), date(*parts)


def feature_interval(properties: dict | None) -> tuple[datetime, datetime] | None:
    """``[start, end)`` of a feature's temporal geometry, or None if it has none."""
    props = properties or {}
    if not props.get("date"):
        return None
    first, last = _days(props["date"])
    if props.get("date_end"):
        last = max(last, _days(props["date_end"])[1])
    start = datetime.combine(first, datetime.min.time(), UTC)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)


def instant(text: str) -> datetime:
    """An RFC 3339 date-time."""
    return datetime.fromisoformat(text.upper().replace("Z", "+00:00")).astimezone(UTC)


def time_matches(properties: dict | None, value: str) -> bool:
    """Whether a feature's temporal geometry intersects a ``datetime`` value (date-times)."""
    span = feature_interval(properties)
    if span is None:
        return True  # /req/core/fc-time-response C
    if "/" in value:
        first, last = value.split("/")
        start = None if first in ("", "..") else instant(first)
        end = None if last in ("", "..") else instant(last)
    else:
        start = end = instant(value)
    return (end is None or span[0] <= end) and (start is None or start < span[1])


# --- General: HTTP, CRS 84 ------------------------------------------------------------------


def _resources(client) -> list[str]:
    """One URL of every kind of resource of the service."""
    feature = every_feature(client, "events")[0]["id"]
    return [
        "/ogc/",
        "/ogc/conformance",
        "/ogc/openapi",
        "/ogc/collections",
        "/ogc/collections/events",
        "/ogc/collections/events/items",
        f"/ogc/collections/events/items/{feature}",
    ]


def test_req_core_http_a_methods(client) -> None:
    """/req/core/http A: the server conforms to HTTP 1.1. A general-purpose server supports GET
    and HEAD (RFC 7231 4.1; HEAD answers as GET would, without a body, 4.3.2), and a method a
    resource does not support is a 405 naming the allowed ones in ``Allow`` (6.5.5)."""
    for url in _resources(client):
        got = client.get(url)
        assert got.status_code == 200, url
        head = client.head(url)
        assert head.status_code == 200, url
        assert head.headers["Content-Type"] == got.headers["Content-Type"], url
        assert head.data == b"", url
        for method in (client.post, client.put, client.delete):
            refused = method(url)
            assert refused.status_code == 405, url
            allowed = {m.strip() for m in refused.headers["Allow"].split(",")}
            assert {"GET", "HEAD"} <= allowed, (url, allowed)


def test_req_core_http_a_conditional_requests(client) -> None:
    """/req/core/http A: the server conforms to HTTP 1.1. The service tags its answers with an
    ``ETag``: a GET whose ``If-None-Match`` names it is a 304 without a body (RFC 7232 3.2),
    which MUST carry the ``ETag``, ``Cache-Control`` and ``Vary`` a 200 would have (4.1)."""
    tagged = 0
    for url in _resources(client):
        first = client.get(url, headers={"Accept": "application/json"})
        etag = first.headers.get("ETag")
        if etag is None:
            continue
        tagged += 1
        again = client.get(url, headers={"Accept": "application/json", "If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.data == b"", url
        assert again.headers.get("ETag") == etag, url
        assert again.headers.get("Cache-Control") == first.headers.get("Cache-Control"), url
        vary_200 = {v.strip().lower() for v in first.headers.get("Vary", "").split(",")}
        vary_304 = {v.strip().lower() for v in again.headers.get("Vary", "").split(",")}
        assert vary_304 == vary_200, (url, "304 Vary", sorted(vary_304), "200", sorted(vary_200))
        other = client.get(url, headers={"Accept": "application/json", "If-None-Match": '"x"'})
        assert other.status_code == 200, url
    assert tagged >= 5, "the JSON answers carry an ETag"


def test_req_core_http_b(client) -> None:
    """/req/core/http B: if the server supports HTTPS, it also conforms to HTTP over TLS
    (RFC 2818). mapapp does not terminate TLS itself (``mapapp serve`` has no certificate
    option: HTTPS is a reverse proxy's job); behind one, the links it advertises stay on
    https, so clients following them keep to TLS."""
    from mapapp.cli import serve

    options = {name for p in serve.params for name in p.opts}
    assert not [o for o in options if re.search(r"ssl|tls|cert|key", o)], options
    landing = get_json(client, "/ogc/", base_url="https://localhost")
    hrefs = [link["href"] for link in landing["links"]]
    assert hrefs and all(h.startswith("https://localhost/ogc/") for h in hrefs), hrefs


def test_req_core_crs84(client) -> None:
    """/req/core/crs84 A: unless the client asks for another CRS, every geometry is in CRS84
    (WGS 84 longitude/latitude; CRS84h with a height): every position, asked for without a
    CRS, has two coordinates, longitude first, within [-180, 180] x [-90, 90] (Moscow at about
    37.6 E, 55.75 N), and a ``Content-Crs`` header, if sent, names CRS84. Where the service
    lets a client ask for another CRS (``crs``), that one answers differently (so the default
    is not just any CRS with the same numbers)."""

    def positions(node):
        if isinstance(node, list) and node and isinstance(node[0], (int, float)):
            yield node
        elif isinstance(node, list):
            for child in node:
                yield from positions(child)

    count = 0
    for cid in collection_ids(client):
        response = client.get(f"/ogc/collections/{cid}/items?limit=10000")
        assert response.headers.get("Content-Crs", f"<{CRS84}>") == f"<{CRS84}>"
        for feature in orjson.loads(response.data)["features"]:
            if feature["geometry"] is None:
                continue
            for position in positions(feature["geometry"]["coordinates"]):
                count += 1
                assert len(position) == 2, (feature["id"], position)  # no height: CRS84
                lon, lat = position
                assert -180 <= lon <= 180 and -90 <= lat <= 90, (feature["id"], position)
        collection = get_json(client, f"/ogc/collections/{cid}")
        assert collection.get("crs", [CRS84])[0] in (CRS84, CRS84H)
        spatial = collection.get("extent", {}).get("spatial")
        if spatial:
            assert spatial.get("crs", CRS84) == CRS84
    assert count > 1000
    url = "/ogc/collections/places/items/place-moscow"
    moscow = client.get(url)
    assert moscow.headers.get("Content-Crs", f"<{CRS84}>") == f"<{CRS84}>"
    lon, lat = orjson.loads(moscow.data)["geometry"]["coordinates"]
    assert 37 < lon < 38 and 55 < lat < 56, "longitude first"
    crs = parameters(api_definition(client), FEATURE).get("crs")
    for other in (crs or {}).get("schema", {}).get("enum", []):
        if other not in (CRS84, CRS84H):
            asked = client.get(f"{url}?{urlencode({'crs': other})}")
            assert asked.status_code == 200, other
            assert orjson.loads(asked.data)["geometry"]["coordinates"] != [lon, lat], other


# --- Landing page, API definition, conformance ----------------------------------------------


def test_req_core_root_op(client) -> None:
    """/req/core/root-op A: the server supports GET at the path ``/``."""
    response = client.get("/ogc/")
    assert response.status_code == 200
    assert media(response.headers["Content-Type"]) == "application/json"


def test_req_core_root_success(client) -> None:
    """/req/core/root-success A, B: a 200 whose content follows landingPage.yaml and links to
    the API definition (``service-desc`` or ``service-doc``), to ``/conformance``
    (``conformance``) and to ``/collections`` (``data``)."""
    response = client.get("/ogc/")
    assert response.status_code == 200
    landing = orjson.loads(response.data)
    valid("landingPage", landing)
    links = by_rel(landing)
    definitions = links.get("service-desc", []) + links.get("service-doc", [])
    assert definitions, "no link to the API definition"
    for link in definitions:
        assert urlsplit(link["href"]).path.startswith("/ogc/")
    assert [urlsplit(x["href"]).path for x in links["conformance"]] == ["/ogc/conformance"]
    assert [urlsplit(x["href"]).path for x in links["data"]] == ["/ogc/collections"]
    valid("confClasses", get_json(client, links["conformance"][0]["href"]))
    valid("collections", get_json(client, links["data"][0]["href"]))


def test_req_core_api_definition_op(client) -> None:
    """/req/core/api-definition-op A: the URI of every API definition the landing page links
    to supports GET."""
    links = by_rel(get_json(client, "/ogc/"))
    definitions = links.get("service-desc", []) + links.get("service-doc", [])
    assert len(definitions) >= 1
    for link in definitions:
        response = client.get(local(link["href"]))
        assert response.status_code == 200, link


def test_req_core_api_definition_success(client) -> None:
    """/req/core/api-definition-success A: GET on an API definition link (``service-desc`` or
    ``service-doc``) with ``Accept`` set to the link's ``type`` returns a document of that
    media type: here an OpenAPI 3.0 JSON document and an HTML page."""
    links = by_rel(get_json(client, "/ogc/"))
    definitions = links.get("service-desc", []) + links.get("service-doc", [])
    for link in definitions:
        response = client.get(local(link["href"]), headers={"Accept": link["type"]})
        assert response.status_code == 200, link
        content_type = response.headers["Content-Type"]
        assert media(content_type) == media(link["type"]), (link, content_type)
        if media(link["type"]) == "application/vnd.oai.openapi+json":
            assert "version=3.0" in content_type.replace(" ", ""), content_type
            assert str(orjson.loads(response.data)["openapi"]).startswith("3.0.")
        elif media(link["type"]) == "text/html":
            assert response.data.lstrip().lower().startswith(b"<!doctype html>")
        else:
            orjson.loads(response.data)  # another JSON-based definition


def test_req_core_conformance_op(client) -> None:
    """/req/core/conformance-op A: the server supports GET at ``/conformance`` (and at every
    ``conformance`` link of the landing page)."""
    assert client.get("/ogc/conformance").status_code == 200
    for link in by_rel(get_json(client, "/ogc/"))["conformance"]:
        assert client.get(local(link["href"])).status_code == 200


def test_req_core_conformance_success(client) -> None:
    """/req/core/conformance-success A, B: a 200 whose content follows confClasses.yaml and
    lists every OGC API conformance class the server conforms to: Core, and GeoJSON, HTML
    and OpenAPI 3.0 since it serves features as GeoJSON, pages as HTML and an OpenAPI 3.0
    definition; not GML (it serves none)."""
    response = client.get("/ogc/conformance")
    assert response.status_code == 200
    doc = orjson.loads(response.data)
    valid("confClasses", doc)
    declared = set(doc["conformsTo"])
    assert CONF + "core" in declared
    items = client.get("/ogc/collections/events/items", headers={"Accept": "application/geo+json"})
    assert media(items.headers["Content-Type"]) == "application/geo+json"
    assert CONF + "geojson" in declared
    page = client.get("/ogc/collections", headers={"Accept": "text/html"})
    assert media(page.headers["Content-Type"]) == "text/html"
    assert CONF + "html" in declared
    desc = by_rel(get_json(client, "/ogc/"))["service-desc"]
    assert any(media(x["type"]) == "application/vnd.oai.openapi+json" for x in desc)
    assert CONF + "oas30" in declared
    sf0 = "http://www.opengis.net/def/profile/ogc/2.0/gml-sf0"
    accept = f"application/gml+xml;version=3.2;profile={sf0}"
    gml = client.get("/ogc/collections/events/items", headers={"Accept": accept})
    assert "gml" not in media(gml.headers["Content-Type"])
    assert client.get("/ogc/collections/events/items?f=gml").status_code == 400
    assert not {CONF + "gmlsf0", CONF + "gmlsf2"} & declared


# --- Feature collections: /collections ------------------------------------------------------


def test_req_core_fc_md_op(client) -> None:
    """/req/core/fc-md-op A: the server supports GET at ``/collections``."""
    response = client.get("/ogc/collections")
    assert response.status_code == 200
    assert "collections" in orjson.loads(response.data)


def test_req_core_fc_md_success(client) -> None:
    """/req/core/fc-md-success A, B: a 200 whose content follows collections.yaml (and, per
    the abstract test, a ``crs`` whose first value is CRS84 or CRS84h)."""
    response = client.get("/ogc/collections")
    assert response.status_code == 200
    doc = orjson.loads(response.data)
    valid("collections", doc)
    for collection in doc["collections"]:
        valid("collection", collection)
        if "crs" in collection:
            assert collection["crs"][0] in (CRS84, CRS84H), collection["id"]


def html_links(response) -> list[dict]:
    """The links of an HTML page: its ``<a>`` and ``<link>`` elements, as rel/type/href."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.data, "html.parser")
    return [
        {"rel": rel, "type": e.get("type"), "href": e.get("href")}
        for e in soup.find_all(["a", "link"])
        for rel in (e.get("rel") or [None])
    ]


def check_own_links(client, url: str, offered: set[str]) -> dict:
    """GET ``url`` (a 200) and check its links to itself: a ``self`` link in its own media
    type, ``alternate`` links in every other ``offered`` one; each link (every link of a JSON
    document, with ``rel`` and ``type``; an HTML page's ``self`` and ``alternate``) leads to a
    document of its type. Return the JSON document (empty for an HTML page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    own = media(response.headers["Content-Type"])
    doc: dict = {}
    if own == "text/html":
        links = [x for x in html_links(response) if x["rel"] in ("self", "alternate")]
    else:
        doc = orjson.loads(response.data)
        links = doc["links"]
        for link in links:
            assert link.get("rel") and link.get("type"), link
    rels = by_rel({"links": links})
    assert [media(x["type"]) for x in rels["self"]] == [own], url
    alternates = {media(x["type"]) for x in rels.get("alternate", [])}
    assert alternates >= offered - {own}, (url, sorted(offered - {own} - alternates))
    for link in links:
        target = client.get(local(link["href"]))
        assert target.status_code == 200, link
        assert media(target.headers["Content-Type"]) == media(link["type"]), link
    return doc


def test_req_core_fc_md_links(client) -> None:
    """/req/core/fc-md-links A, B: ``/collections`` links to itself (``self``) and to itself
    in every other media type the server offers it in (``alternate``: the API definition's
    media types of its 200 response), as JSON and as HTML; every link has ``rel`` and
    ``type``, and leads to a document of that type."""
    offered = success_types(api_definition(client), "/collections")
    assert {"application/json", "text/html"} <= offered
    for fmt in ("json", "html"):
        check_own_links(client, f"/ogc/collections?f={fmt}", offered)


def test_req_core_fc_md_items(client) -> None:
    """/req/core/fc-md-items A: every feature collection the server provides has an entry in
    ``collections``: every value the API definition allows for ``collectionId``, every layer
    of the site's own API, each with an ``id``."""
    listed = collection_ids(client)
    assert len(listed) == len(set(listed)) and all(listed)
    api = api_definition(client)
    enum = parameters(api, ITEMS)["collectionId"]["schema"].get("enum")
    if enum is not None:
        assert sorted(enum) == sorted(listed)
    layers = {layer["id"] for layer in get_json(client, "/api/layers")}
    assert layers <= set(listed)
    for cid in listed:
        assert client.get(f"/ogc/collections/{cid}").status_code == 200
    assert client.get("/ogc/collections/not-a-listed-collection").status_code == 404


def test_req_core_fc_md_items_links_a(client) -> None:
    """/req/core/fc-md-items-links A: each collection in ``/collections`` links to its
    features (relation ``items``) once for each encoding the features are supported in (the
    media types the API definition gives the 200 response of the items operation)."""
    encodings = success_types(api_definition(client), ITEMS)
    assert {"application/geo+json", "text/html"} <= encodings
    missing = []
    for collection in get_json(client, "/ogc/collections")["collections"]:
        items = by_rel(collection).get("items", [])
        for link in items:
            path = urlsplit(link["href"]).path
            assert path == f"/ogc/collections/{collection['id']}/items", link
        have = {media(x.get("type")) for x in items}
        missing += [(collection["id"], t) for t in sorted(encodings - have)]
    assert not missing, f"no `items` link for (collection, encoding): {missing}"


def test_req_core_fc_md_items_links_b(client) -> None:
    """/req/core/fc-md-items-links B: every link of every collection in ``/collections`` has
    ``rel`` and ``type``."""
    collections = get_json(client, "/ogc/collections")["collections"]
    links = [link for c in collections for link in c["links"]]
    assert len(links) >= 2 * len(collections)
    for link in links:
        assert link.get("rel") and link.get("type"), link


def _extent_failures(client) -> list:
    failures = []
    for collection in get_json(client, "/ogc/collections")["collections"]:
        extent = collection.get("extent") or {}
        features = every_feature(client, collection["id"])
        if "spatial" in extent:
            west, south, east, north = bbox_area(extent["spatial"]["bbox"][0]).bounds
            for feature in features:
                if feature["geometry"] is None:
                    continue
                x0, y0, x1, y1 = shape(feature["geometry"]).bounds
                if not (west <= x0 and south <= y0 and x1 <= east and y1 <= north):
                    failures.append((collection["id"], feature["id"], "outside the bbox"))
        if "temporal" in extent:
            first, last = extent["temporal"]["interval"][0]
            for feature in features:
                span = feature_interval(feature["properties"])
                if span is None:
                    continue
                # The features' dates are days: an extent ending at 23:59:59 of the last
                # day holds it at the data's resolution.
                if (first is not None and instant(first) > span[0]) or (
                    last is not None and instant(last) < span[1] - timedelta(seconds=1)
                ):
                    failures.append((collection["id"], feature["id"], "outside the interval"))
    return failures


def test_req_core_fc_md_extent(client) -> None:
    """/req/core/fc-md-extent A, B: a collection's ``extent`` has bounding boxes that hold all
    its geometries and time intervals that hold all its temporal geometries (``null`` at an
    end: half-bounded). B leaves it to the server which of several temporal properties count:
    this one takes each feature from its ``date`` through its ``date_end``."""
    collections = get_json(client, "/ogc/collections")["collections"]
    assert sum("temporal" in (c.get("extent") or {}) for c in collections) >= 2
    assert sum("spatial" in (c.get("extent") or {}) for c in collections) == len(collections)
    assert not _extent_failures(client)


def test_req_core_fc_md_extent_multi(client) -> None:
    """/req/core/fc-md-extent-multi A-D: every feature lies inside the first bounding box and
    the first time interval of the extent; B and D (inside one of the other boxes or
    intervals) apply only when there are more: the service gives exactly one of each."""
    assert not _extent_failures(client)  # A, C
    for collection in get_json(client, "/ogc/collections")["collections"]:
        extent = collection.get("extent") or {}
        if "spatial" in extent:
            assert len(extent["spatial"]["bbox"]) == 1, collection["id"]  # B does not apply
        if "temporal" in extent:
            assert len(extent["temporal"]["interval"]) == 1, collection["id"]  # D neither


# --- One feature collection: /collections/{collectionId} ------------------------------------


def test_req_core_sfc_md_op(client) -> None:
    """/req/core/sfc-md-op A, B: GET ``/collections/{collectionId}`` is supported for every
    ``id`` in the ``/collections`` response."""
    for cid in collection_ids(client):
        response = client.get(f"/ogc/collections/{cid}")
        assert response.status_code == 200, cid
        assert orjson.loads(response.data)["id"] == cid


def test_req_core_sfc_md_success_a(client) -> None:
    """/req/core/sfc-md-success A: success is a 200 (its content follows collection.yaml)."""
    for cid in collection_ids(client):
        response = client.get(f"/ogc/collections/{cid}")
        assert response.status_code == 200
        valid("collection", orjson.loads(response.data))


def test_req_core_sfc_md_success_b(client) -> None:
    """/req/core/sfc-md-success B: the collection's ``id``, ``title``, ``description``,
    ``extent`` and ``itemType`` are those of its entry in ``/collections``, and its ``links``
    include every link of that entry."""
    missing = []
    for entry in get_json(client, "/ogc/collections")["collections"]:
        doc = get_json(client, f"/ogc/collections/{entry['id']}")
        for key in ("id", "title", "description", "extent", "itemType"):
            assert doc.get(key) == entry.get(key), (entry["id"], key)
        own = {(x["rel"], x["href"], x.get("type")) for x in doc["links"]}
        missing += [
            (entry["id"], x["rel"], x["href"])
            for x in entry["links"]
            if (x["rel"], x["href"], x.get("type")) not in own
        ]
    assert not missing, f"links of /collections missing from /collections/{{id}}: {missing}"


# --- Features: /collections/{collectionId}/items --------------------------------------------


def test_req_core_fc_op(client) -> None:
    """/req/core/fc-op A, B: GET ``/collections/{collectionId}/items`` is supported for every
    ``id`` in the ``/collections`` response."""
    for cid in collection_ids(client):
        response = client.get(f"/ogc/collections/{cid}/items")
        assert response.status_code == 200, cid
        body = orjson.loads(response.data)
        assert body["type"] == "FeatureCollection" and isinstance(body["features"], list)


def test_req_core_fc_response(client) -> None:
    """/req/core/fc-response A, B: success is a 200 holding only the features the request
    selects: bbox, datetime, both together (every feature matching both), a property filter."""
    everything = {cid: every_feature(client, cid) for cid in ("events", "routes", "places")}
    box = [46.0, 39.0, 47.0, 40.0]
    when = "2020-11-21T00:00:00Z/2020-11-24T00:00:00Z"
    for cid, features in everything.items():
        for params in (
            {"bbox": "46,39,47,40"},
            {"datetime": when},
            {"bbox": "46,39,47,40", "datetime": when},
        ):
            expected = [
                f["id"]
                for f in features
                if ("bbox" not in params or intersects(f, box))
                and ("datetime" not in params or time_matches(f["properties"], when))
            ]
            assert sorted(found_ids(client, cid, **params)) == sorted(expected), (cid, params)
    capitals = found_ids(client, "places", kind="capital")
    assert capitals and sorted(capitals) == sorted(
        f["id"] for f in everything["places"] if f["properties"]["kind"] == "capital"
    )
    mixed = found_ids(client, "events", bbox="46,39,47,40", datetime=when)
    assert 0 < len(mixed) < len(found_ids(client, "events", bbox="46,39,47,40"))


def test_req_core_fc_links(client) -> None:
    """/req/core/fc-links A: a page of features links to itself (``self``) and to itself in
    every other media type the service supports for it (``alternate``: each media type the API
    definition gives the items operation's 200 response), as GeoJSON and as HTML; each link
    leads to a document of its type, ``self`` to the same features."""
    offered = success_types(api_definition(client), ITEMS)
    url = "/ogc/collections/events/items?limit=3&offset=3&datetime=2020-11-21T00:00:00Z/.."
    doc = check_own_links(client, f"{url}&f=json", offered)
    check_own_links(client, f"{url}&f=html", offered)
    self_doc = get_json(client, by_rel(doc)["self"][0]["href"])
    assert [f["id"] for f in self_doc["features"]] == [f["id"] for f in doc["features"]]


def test_req_core_fc_links_every_format(client) -> None:
    """/req/core/fc-links A: *every* 200-response of the items operation includes the ``self``
    and ``alternate`` links, whatever format is asked for with ``f`` (the API definition's
    enum): in the payload's ``links`` where it is JSON, else (RFC 8288, a dependency of Core)
    in ``Link`` header fields."""
    api = api_definition(client)
    formats = parameters(api, ITEMS)["f"]["schema"]["enum"]
    lacking = []
    for fmt in formats:
        response = client.get(f"/ogc/collections/places/items?f={fmt}")
        assert response.status_code == 200, fmt
        own = media(response.headers["Content-Type"])
        rels: set[str] = set()
        for value in response.headers.getlist("Link"):
            rels |= set(re.findall(r'rel="?([^";,]+)', value))
        if own in ("application/json", "application/geo+json"):
            rels |= {x.get("rel") for x in orjson.loads(response.data).get("links", [])}
        elif own == "text/html":
            rels |= {x["rel"] for x in html_links(response)}
        if not {"self", "alternate"} <= rels:
            lacking.append((f"f={fmt}", own, sorted({"self", "alternate"} - rels)))
    assert not lacking, f"200-responses without the links of /req/core/fc-links: {lacking}"


def test_req_core_fc_rel_type(client) -> None:
    """/req/core/fc-rel-type A: every link (of a features response) has ``rel`` and ``type``;
    checked on pages with ``next`` and ``prev`` links and on single features too."""
    seen = set()
    for url in (
        "/ogc/collections/events/items?limit=2&offset=2",
        "/ogc/collections/regions/items",
        "/ogc/collections/events/items/ev-1994-ceasefire",
    ):
        for link in get_json(client, url)["links"]:
            assert link.get("rel") and link.get("type"), (url, link)
            seen.add(link["rel"])
    assert {"self", "alternate", "next", "prev", "collection"} <= seen


# bbox


BBOX_FRAGMENT = {
    "name": "bbox",
    "in": "query",
    "required": False,
    "schema": {
        "type": "array",
        "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
        "items": {"type": "number"},
    },
    "style": "form",
    "explode": False,
}


def test_req_core_fc_bbox_definition_a(client) -> None:
    """/req/core/fc-bbox-definition A: the items operation has a parameter ``bbox`` as the
    standard's OpenAPI fragment says: in query, optional, an array of 4 or 6 numbers, style
    form, explode false."""
    declared = parameters(api_definition(client), ITEMS)["bbox"]
    assert {k: declared.get(k) for k in ("name", "in", "required")} == {
        k: BBOX_FRAGMENT[k] for k in ("name", "in", "required")
    }
    schema = dict(declared["schema"])
    assert schema.get("type") == "array"
    assert schema.get("oneOf") == BBOX_FRAGMENT["schema"]["oneOf"]  # type: ignore[index]
    assert schema.get("items") == {"type": "number"}
    assert effective_style_explode(declared) == ("form", False)


def test_req_core_fc_bbox_definition_b(client) -> None:
    """/req/core/fc-bbox-definition B: a bbox is four or six numbers (lower left corner, the
    optional minimum height, upper right corner, the optional maximum height): both are
    accepted and select alike (the features have no height), other counts are refused."""
    for four, six in (
        ("46,39,47,40", "46,39,-100,47,40,100"),
        ("37,55,38,56", "37,55,0,38,56,5000"),
        ("-180,-90,180,90", "-180,-90,-11000,180,90,9000"),
    ):
        assert found_ids(client, "events", bbox=four) == found_ids(client, "events", bbox=six)
    for count in ("46", "46,39", "46,39,47", "46,39,47,40,1", "46,39,0,47,40,1,2"):
        response = client.get(f"/ogc/collections/events/items?bbox={count}")
        assert response.status_code == 400, count


def test_req_core_fc_bbox_definition_c(client) -> None:
    """/req/core/fc-bbox-definition C: four numbers are WGS 84 longitude/latitude (CRS84)
    unless ``bbox-crs`` names another: longitude first (a box around Moscow finds it, the same
    numbers as latitude/longitude do not); ``bbox-crs`` is not offered (a 400) or, if it is,
    CRS84 changes nothing."""
    places = every_feature(client, "places")
    for values in ([37, 55, 38, 56], [44, 39, 48, 41], [30, 35, 50, 60]):
        expected = sorted(f["id"] for f in places if intersects(f, values))
        swapped = sorted(
            f["id"] for f in places if intersects(f, [values[i] for i in (1, 0, 3, 2)])
        )
        assert expected != swapped
        found = found_ids(client, "places", bbox=",".join(map(str, values)))
        assert sorted(found) == expected, values
    assert "place-moscow" in found_ids(client, "places", bbox="37,55,38,56")
    assert "place-moscow" not in found_ids(client, "places", bbox="55,37,56,38")
    api = api_definition(client)
    response = client.get(f"/ogc/collections/places/items?bbox=37,55,38,56&bbox-crs={CRS84}")
    if "bbox-crs" in parameters(api, ITEMS):
        assert response.status_code == 200
        ids = [f["id"] for f in orjson.loads(response.data)["features"]]
        assert ids == found_ids(client, "places", bbox="37,55,38,56")
    else:
        assert response.status_code == 400


def test_req_core_fc_bbox_definition_d(client) -> None:
    """/req/core/fc-bbox-definition D: six numbers are WGS 84 longitude/latitude/ellipsoidal
    height (CRS84h): minlon, minlat, minheight, maxlon, maxlat, maxheight."""
    places = every_feature(client, "places")
    for values in ([37, 55, -50, 38, 56, 50], [44, 39, 0, 48, 41, 3000]):
        plane = [values[i] for i in (0, 1, 3, 4)]
        expected = sorted(f["id"] for f in places if intersects(f, plane))
        assert expected
        assert sorted(found_ids(client, "places", bbox=",".join(map(str, values)))) == expected
    # Read as CRS84h, 37,55,38,56,-50,50 is a box from latitude 55 up to latitude -50.
    assert client.get("/ogc/collections/places/items?bbox=37,55,38,56,-50,50").status_code == 400


def test_req_core_fc_bbox_response_a(client) -> None:
    """/req/core/fc-bbox-response A: with ``bbox``, only the features whose geometry intersects
    the box are in the result (exact geometries, not their envelopes; a box whose west edge is
    east of its east edge crosses the antimeridian)."""
    boxes = (
        [46.0, 39.0, 47.0, 40.0],
        [37.0, 55.0, 38.0, 56.0],
        [45.9, 38.9, 46.1, 39.1],
        [30.0, 35.0, 50.0, 60.0],
        [-10.0, -10.0, 10.0, 10.0],
        [179.0, 60.0, -179.0, 70.0],
        [-180.0, -90.0, 180.0, 90.0],
    )
    for cid in collection_ids(client):
        features = [f for f in every_feature(client, cid) if f["geometry"] is not None]
        for values in boxes:
            expected = sorted(f["id"] for f in features if intersects(f, values))
            found = found_ids(client, cid, bbox=",".join(map(str, values)))
            assert sorted(found) == expected, (cid, values)


def test_req_core_fc_bbox_response_b(client) -> None:
    """/req/core/fc-bbox-response B: which of several spatial geometry properties a bbox tests
    is the server's decision; the condition does not arise: a feature has one spatial
    geometry, its GeoJSON ``geometry`` (no property holds another)."""

    def geometries(node) -> int:
        if isinstance(node, dict):
            here = node.get("type") in GEOMETRY_TYPES and "coordinates" in node
            return int(here) + sum(geometries(v) for v in node.values())
        if isinstance(node, list):
            return sum(geometries(v) for v in node)
        return 0

    for cid in collection_ids(client):
        for feature in every_feature(client, cid):
            assert geometries(feature["properties"]) == 0, feature["id"]


def _add_unplaced_event(data_dir: Path) -> str:
    """Give the copy of the data an event its article does not place (geometry null, as
    ``mapapp ingest`` writes one, e.g. for tests/articles/2024-03-05-ceasefire-unplaced.md);
    return its id."""
    path = sorted((data_dir / "features").glob("*.geojson"))[0]
    partition = orjson.loads(path.read_bytes())
    event = next(f for f in partition["features"] if f["properties"]["layer"] == "events")
    unplaced = {**event, "id": "ev-unplaced", "geometry": None}
    partition["features"].append(unplaced)
    path.write_bytes(orjson.dumps(partition))
    return unplaced["id"]


def test_req_core_fc_bbox_response_c(data_dir) -> None:
    """/req/core/fc-bbox-response C: ``bbox`` also matches every feature of the collection that
    has no spatial geometry (here an event its article does not place: geometry null)."""
    unplaced = _add_unplaced_event(data_dir)
    client = create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()
    nowhere = [f["id"] for f in every_feature(client, "events") if f["geometry"] is None]
    assert nowhere == [unplaced], "the condition applies: a feature without geometry"
    missed = {}
    for bbox in ("-180,-90,180,90", "46,39,47,40", "0,0,1,1"):
        body = get_json(client, f"/ogc/collections/events/items?limit=10000&bbox={bbox}")
        ids = {f["id"] for f in body["features"]}
        if unplaced not in ids:
            missed[bbox] = unplaced
    assert not missed, f"features without geometry left out by bbox: {missed}"


def test_req_core_fc_bbox_response_d(client) -> None:
    """/req/core/fc-bbox-response D: the coordinates are within the extent of the CRS (CRS84:
    longitude [-180, 180], latitude [-90, 90]): the limits themselves select, values beyond
    them are invalid (a 400)."""
    assert client.get("/ogc/collections/events/items?bbox=-180,-90,180,90").status_code == 200
    for bad in (
        "-180.5,0,10,10",
        "0,0,180.01,10",
        "0,-90.5,10,10",
        "0,0,10,95",
        "-200,-100,200,100",
    ):
        assert client.get(f"/ogc/collections/events/items?bbox={bad}").status_code == 400, bad


# limit


def test_req_core_fc_limit_definition(client) -> None:
    """/req/core/fc-limit-definition A: the items operation has a parameter ``limit`` as the
    standard's OpenAPI fragment says: in query, optional, integer, minimum 1, maximum 10000,
    default 10, style form, explode false; and the service behaves so (10 features without
    it, 1 and 10000 accepted, 0 refused)."""
    declared = parameters(api_definition(client), ITEMS)["limit"]
    assert (declared["name"], declared["in"], declared.get("required", False)) == (
        "limit",
        "query",
        False,
    )
    schema = declared["schema"]
    assert (schema.get("type"), schema.get("minimum"), schema.get("maximum")) == (
        "integer",
        1,
        10000,
    )
    assert schema.get("default") == 10
    assert get_json(client, "/ogc/collections/events/items")["numberReturned"] == 10
    assert get_json(client, "/ogc/collections/events/items?limit=1")["numberReturned"] == 1
    assert client.get("/ogc/collections/events/items?limit=10000").status_code == 200
    assert client.get("/ogc/collections/events/items?limit=0").status_code == 400
    assert effective_style_explode(declared) == ("form", False), (
        "style/explode (OpenAPI 3.0 defaults applied)",
        {k: declared.get(k) for k in ("style", "explode")},
    )


def test_req_core_fc_limit_response_1_a(client) -> None:
    """/req/core/fc-limit-response-1 A: a response holds no more features than ``limit``."""
    total = len(every_feature(client, "events"))
    assert total > 10
    for limit in (1, 2, 5, 7, 10, total - 1, total, total + 1):
        body = get_json(client, f"/ogc/collections/events/items?limit={limit}")
        assert len(body["features"]) <= limit, limit
        assert len(body["features"]) == min(limit, total), limit


def _limited_client(data_dir: Path, maximum: int, default: int):
    config = {"OGC_MAX_LIMIT": maximum, "OGC_DEFAULT_LIMIT": default}
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, **config}).test_client()


def test_req_core_fc_limit_response_1_b(data_dir) -> None:
    """/req/core/fc-limit-response-1 B: if the API definition gives ``limit`` a maximum, no
    response holds more features than that (a service configured with a maximum of 5, fewer
    than a collection holds)."""
    client = _limited_client(data_dir, 5, 2)
    maximum = parameters(api_definition(client), ITEMS)["limit"]["schema"]["maximum"]
    assert maximum == 5
    assert get_json(client, "/ogc/collections/events/items")["numberMatched"] > maximum
    for query in ("", "?limit=5", "?limit=6", "?limit=10000", "?offset=3&limit=100"):
        body = get_json(client, f"/ogc/collections/events/items{query}")
        assert body["numberReturned"] == len(body["features"]) <= maximum, query
    assert get_json(client, "/ogc/collections/events/items?limit=100")["numberReturned"] == 5


def test_req_core_fc_limit_response_1_c(client, data_dir) -> None:
    """/req/core/fc-limit-response-1 C: a ``limit`` above the maximum is no error: the maximum
    is used instead."""
    response = client.get("/ogc/collections/events/items?limit=10001")
    assert response.status_code == 200
    assert orjson.loads(response.data)["numberReturned"] == len(every_feature(client, "events"))
    limited = _limited_client(data_dir, 5, 2)
    for limit in (6, 11, 10000, 10001, 999999):
        response = limited.get(f"/ogc/collections/events/items?limit={limit}")
        assert response.status_code == 200, limit
        body = orjson.loads(response.data)
        assert len(body["features"]) == 5, limit
        (self_link,) = by_rel(body)["self"]
        assert "limit=5" in self_link["href"], self_link


def test_req_core_fc_limit_response_1_d(client) -> None:
    """/req/core/fc-limit-response-1 D: only the first-level items count toward ``limit``, not
    the objects nested in them (each feature holds its sources, places, quantities...)."""
    for limit in (1, 2, 3):
        body = get_json(client, f"/ogc/collections/events/items?limit={limit}")
        assert len(body["features"]) == body["numberReturned"] == limit
        for feature in body["features"]:
            # Nested values are served as JSON text (for GIS clients): still one feature each.
            sources = json.loads(feature["properties"]["sources"])
            assert isinstance(sources, list) and isinstance(sources[0], dict)


# datetime


def test_req_core_fc_time_definition(client) -> None:
    """/req/core/fc-time-definition A: the items operation has a parameter ``datetime`` as the
    standard's OpenAPI fragment says: in query, optional, a string, style form, explode
    false."""
    declared = parameters(api_definition(client), ITEMS)["datetime"]
    assert (declared["name"], declared["in"], declared.get("required", False)) == (
        "datetime",
        "query",
        False,
    )
    assert declared["schema"].get("type") == "string"
    assert effective_style_explode(declared) == ("form", False), (
        "style/explode (OpenAPI 3.0 defaults applied)",
        {k: declared.get(k) for k in ("style", "explode")},
    )


DATETIMES = (
    "2020-11-21T10:00:00Z",
    "2020-11-09T23:30:00Z",
    "2020-11-09T23:30:00-02:00",  # 2020-11-10 in UTC
    "1991-06-01T00:00:00Z",
    "2020-11-22T00:00:00Z/2020-11-23T12:00:00Z",
    "2020-11-24T00:00:00Z/2020-11-24T00:00:00Z",
    "../2020-09-30T00:00:00Z",
    "2020-11-24T00:00:00Z/..",
    "/1994-01-01T00:00:00Z",
    "2020-11-25T00:00:00Z/",
    "1900-01-01T00:00:00Z",
)


def test_req_core_fc_time_response_a(client) -> None:
    """/req/core/fc-time-response A: with ``datetime``, only the features whose temporal
    geometry intersects it are in the result (instants, bounded and half-bounded intervals,
    time zones)."""
    for cid in ("events", "routes"):
        features = every_feature(client, cid)
        dated = [f for f in features if feature_interval(f["properties"]) is not None]
        assert dated
        for value in DATETIMES:
            expected = sorted(f["id"] for f in features if time_matches(f["properties"], value))
            assert sorted(found_ids(client, cid, datetime=value)) == expected, (cid, value)


def test_req_core_fc_time_response_b(client) -> None:
    """/req/core/fc-time-response B: which of several temporal properties count is the
    server's decision; this one documents (API definition) and applies ``date`` through
    ``date_end``: the 1988-1994 war matches 1991, which only its ``date_end`` reaches."""
    declared = parameters(api_definition(client), ITEMS)["datetime"]
    assert "date_end" in declared.get("description", "")
    war = "ev-1988-1994-war"
    props = get_json(client, f"/ogc/collections/events/items/{war}")["properties"]
    assert props["date"] < "1991" < props["date_end"]
    assert war in found_ids(client, "events", datetime="1991-06-01T00:00:00Z")
    assert war not in found_ids(client, "events", datetime="1994-06-01T00:00:00Z")


def test_req_core_fc_time_response_c(client) -> None:
    """/req/core/fc-time-response C: ``datetime`` also matches every feature that has no
    temporal geometry (every place; the undated routes)."""
    for cid in ("places", "routes"):
        undated = sorted(
            f["id"] for f in every_feature(client, cid) if feature_interval(f["properties"]) is None
        )
        assert undated, cid
        for value in ("1900-01-01T00:00:00Z", "../1800-01-01T00:00:00Z", "2020-11-21T00:00:00Z/.."):
            assert set(undated) <= set(found_ids(client, cid, datetime=value)), (cid, value)


def test_req_core_fc_time_response_d(client) -> None:
    """/req/core/fc-time-response D: the value is a date-time or an interval (bounded,
    half-bounded at the start with ``..``, at the end with ``..``): each form is understood;
    values outside the syntax are refused (400)."""
    t1, t2 = "2020-11-21T00:00:00Z", "2020-11-23T00:00:00Z"
    events = every_feature(client, "events")
    for value in (t1, f"{t1}/{t2}", f"../{t2}", f"{t1}/.."):
        expected = sorted(f["id"] for f in events if time_matches(f["properties"], value))
        assert sorted(found_ids(client, "events", datetime=value)) == expected, value
    closed = set(found_ids(client, "events", datetime=f"{t1}/{t2}"))
    assert closed < set(found_ids(client, "events", datetime=f"../{t2}"))
    assert closed < set(found_ids(client, "events", datetime=f"{t1}/.."))
    for bad in ("soon", f"{t1}/{t2}/{t1}", "..", f"{t1}//{t2}", "2020-11-21T10:00"):
        response = client.get(f"/ogc/collections/events/items?datetime={bad}")
        assert response.status_code == 400, bad


def test_req_core_fc_time_response_e(client) -> None:
    """/req/core/fc-time-response E: ``date-time`` is RFC 3339 (5.6): ``Z`` or a numeric
    offset, optional fractional seconds, ``T``/``Z`` in either case; a time without an
    offset is not one (refused)."""
    same_instant = (
        "2020-11-09T23:30:00Z",
        "2020-11-09T23:30:00.250Z",
        "2020-11-10T01:30:00+02:00",
        "2020-11-09T21:00:00-02:30",
        "2020-11-09t23:30:00z",
    )
    results = {v: sorted(found_ids(client, "events", datetime=v)) for v in same_instant}
    assert len({tuple(r) for r in results.values()}) == 1, results
    # 23:30 at UTC-2 is the next day in UTC: the offset counts.
    west = sorted(found_ids(client, "events", datetime="2020-11-09T23:30:00-02:00"))
    assert west != results["2020-11-09T23:30:00Z"]
    for bad in (
        "2020-11-09T23:30:00",
        "2020-11-09T23:30Z",
        "2020-11-09T25:00:00Z",
        "2020-02-30T00:00:00Z",
    ):
        response = client.get(f"/ogc/collections/events/items?datetime={bad}")
        assert response.status_code == 400, bad


def test_req_core_fc_time_response_f(client) -> None:
    """/req/core/fc-time-response F: a half-bounded interval's open end is ``..`` or the empty
    string, alike."""
    t = "2020-11-21T12:00:00Z"
    assert found_ids(client, "events", datetime=f"../{t}") == found_ids(
        client, "events", datetime=f"/{t}"
    )
    assert found_ids(client, "events", datetime=f"{t}/..") == found_ids(
        client, "events", datetime=f"{t}/"
    )
    assert found_ids(client, "events", datetime=f"/{t}") != found_ids(
        client, "events", datetime=f"{t}/"
    )


# Response members


def test_req_core_fc_timeStamp(client) -> None:
    """/req/core/fc-timeStamp A: a ``timeStamp`` is the time the response was generated."""
    for url in ("/ogc/collections/events/items", "/ogc/collections/regions/items?limit=1"):
        before = datetime.now(UTC).replace(microsecond=0)
        body = get_json(client, url)
        after = datetime.now(UTC)
        assert "timeStamp" in body
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", body["timeStamp"]
        )
        assert before <= instant(body["timeStamp"]) <= after, (before, body["timeStamp"], after)


def _walk(client, url: str) -> tuple[list[str], list[dict]]:
    """The ids on every page from ``url`` on (following ``next``), and the pages."""
    ids, pages = [], []
    next_url: str | None = url
    while next_url:
        body = get_json(client, next_url)
        pages.append(body)
        ids += [f["id"] for f in body["features"]]
        following = by_rel(body).get("next")
        next_url = following[0]["href"] if following else None
        assert len(pages) < 50
    return ids, pages


def test_req_core_fc_numberMatched(client) -> None:
    """/req/core/fc-numberMatched A (B: it MAY be left out): ``numberMatched`` is the number of
    features that match the selection (bbox, datetime, other filters), whatever the page."""
    everything = {cid: every_feature(client, cid) for cid in ("events", "places", "routes")}
    box, when = [44.0, 38.0, 48.0, 41.0], "2020-11-21T00:00:00Z/.."
    cases = [
        ("events", {}, lambda f: True),
        ("events", {"bbox": "44,38,48,41"}, lambda f: intersects(f, box)),
        ("events", {"datetime": when}, lambda f: time_matches(f["properties"], when)),
        (
            "events",
            {"bbox": "44,38,48,41", "datetime": when},
            lambda f: intersects(f, box) and time_matches(f["properties"], when),
        ),
        ("routes", {"datetime": when}, lambda f: time_matches(f["properties"], when)),
        ("places", {"kind": "capital"}, lambda f: f["properties"]["kind"] == "capital"),
        ("places", {"bbox": "0,0,1,1"}, lambda f: False),
    ]
    checked = 0
    for cid, params, selects in cases:
        expected = sorted(f["id"] for f in everything[cid] if selects(f))
        query = urlencode({**params, "limit": "3"}, safe="/:,")
        ids, pages = _walk(client, f"/ogc/collections/{cid}/items?{query}")
        assert sorted(ids) == expected, (cid, params)
        for page in pages:
            if "numberMatched" in page:
                checked += 1
                assert page["numberMatched"] == len(expected), (cid, params)
    assert checked >= len(cases)


def test_req_core_fc_numberReturned(client) -> None:
    """/req/core/fc-numberReturned A (B: it MAY be left out): ``numberReturned`` is the number
    of features in the response."""
    checked = 0
    for url in (
        "/ogc/collections/events/items",
        "/ogc/collections/events/items?limit=3&offset=14",
        "/ogc/collections/events/items?offset=1000",
        "/ogc/collections/places/items?bbox=0,0,1,1",
        "/ogc/collections/regions/items?limit=10000",
        "/ogc/collections/events/items?resulttype=hits",
    ):
        body = get_json(client, url)
        if "numberReturned" in body:
            checked += 1
            assert body["numberReturned"] == len(body["features"]), url
    assert checked >= 5


# --- Feature: /collections/{collectionId}/items/{featureId} ---------------------------------


def test_req_core_f_op(client) -> None:
    """/req/core/f-op A, B: GET ``/collections/{collectionId}/items/{featureId}`` is supported
    for every feature of every collection listed in ``/collections``."""
    count = 0
    for cid in collection_ids(client):
        for feature in every_feature(client, cid):
            response = client.get(f"/ogc/collections/{cid}/items/{feature['id']}")
            assert response.status_code == 200, (cid, feature["id"])
            count += 1
    assert count > 30


def test_req_core_f_success(client) -> None:
    """/req/core/f-success A: success is a 200 (a GeoJSON feature, featureGeoJSON.yaml)."""
    for cid in collection_ids(client):
        for feature in every_feature(client, cid)[:4]:
            response = client.get(f"/ogc/collections/{cid}/items/{feature['id']}")
            assert response.status_code == 200
            doc = orjson.loads(response.data)
            valid("featureGeoJSON", doc)
            assert doc["id"] == feature["id"]


def test_req_core_f_links(client) -> None:
    """/req/core/f-links A, B: a feature links to itself (``self``), to itself in every other
    media type the service supports for it (``alternate``: the API definition's media types
    of the feature operation's 200 response) and to its collection (``collection``); every
    link has ``rel`` and ``type``."""
    offered = success_types(api_definition(client), FEATURE)
    for cid in collection_ids(client):
        for feature in every_feature(client, cid)[:3]:
            response = client.get(f"/ogc/collections/{cid}/items/{feature['id']}")
            doc = orjson.loads(response.data)
            own = media(response.headers["Content-Type"])
            for link in doc["links"]:
                assert link.get("rel") and link.get("type"), link
            rels = by_rel(doc)
            (self_link,) = rels["self"]
            assert media(self_link["type"]) == own
            assert get_json(client, self_link["href"])["id"] == feature["id"]
            alternates = rels.get("alternate", [])
            assert {media(x["type"]) for x in alternates} >= offered - {own}
            for link in alternates:
                target = client.get(local(link["href"]))
                assert media(target.headers["Content-Type"]) == media(link["type"]), link
            (collection,) = rels["collection"]
            assert get_json(client, collection["href"])["id"] == cid


# --- Errors ---------------------------------------------------------------------------------


def _example_url(client, api: dict, path: str) -> str:
    cid = "events"
    url = path.replace("{collectionId}", cid)
    if "{featureId}" in url:
        url = url.replace("{featureId}", every_feature(client, cid)[0]["id"])
    assert "{" not in url, url
    return "/ogc" + url


def _invalid_values(parameter: dict) -> list[str]:
    """Values the parameter's schema rules out (none for a free string)."""
    schema = parameter.get("schema", {})
    kind = schema.get("type")
    out: list[str] = []
    if "enum" in schema:
        out.append("no-such-value")
    elif kind == "integer":
        out.append("not-a-number")
        if isinstance(schema.get("minimum"), int):
            out.append(str(schema["minimum"] - 1))
    elif kind == "number":
        out.append("not-a-number")
    elif kind == "boolean":
        out.append("maybe")
    elif kind == "array":
        items = schema.get("items", {})
        if items.get("type") == "number":
            out += ["a,b,c,d", "1,2,3"]
        elif items.get("pattern"):
            out.append("0-not-a-name")
    elif kind == "string":
        if schema.get("minLength", 0) >= 1:
            out.append("")
        try:
            if schema.get("pattern") and not re.search(schema["pattern"], "never"):
                out.append("never")
        except re.error:  # an ECMA 262 pattern Python cannot read
            pass
        if isinstance(schema.get("maxLength"), int):
            out.append("x" * (schema["maxLength"] + 1))
    return out


def test_req_core_query_param_invalid(client) -> None:
    """/req/core/query-param-invalid A: a query parameter with an invalid value is a 400. Each
    of Part 1's parameters, and every query parameter of every operation in the API definition
    given a value its schema rules out."""
    api = api_definition(client)
    items = "/ogc/collections/events/items"
    cases = [
        f"{items}?bbox=1,2,3",
        f"{items}?bbox=a,b,c,d",
        f"{items}?bbox=10,10,0,0,0,0",
        f"{items}?datetime=yesterday",
        f"{items}?datetime=2020-11-31T00:00:00Z",
        f"{items}?limit=0",
        f"{items}?limit=-1",
        f"{items}?limit=ten",
        f"{items}?limit=1.5",
    ]
    for path in api["paths"]:
        url = _example_url(client, api, path)
        for name, parameter in parameters(api, path).items():
            if parameter["in"] != "query":
                continue
            cases += [f"{url}?{urlencode({name: v})}" for v in _invalid_values(parameter)]
    assert len(cases) > 30
    accepted = []
    for url in cases:
        response = client.get(url)
        if response.status_code != 400:
            accepted.append((url, response.status_code))
        else:
            valid("exception", orjson.loads(response.data))
    assert not accepted, accepted


def test_req_core_query_param_unknown(client) -> None:
    """/req/core/query-param-unknown A: a query parameter the API definition does not specify
    (for that operation) is a 400, on every operation."""
    api = api_definition(client)
    refused = 0
    for path in api["paths"]:
        url = _example_url(client, api, path)
        declared = set(parameters(api, path))
        for name in ("unknownparam", "bbox-crs", "crs", "limit", "f", "sortBy", "BBOX"):
            if name in declared:
                continue
            response = client.get(f"{url}?{urlencode({name: '1'})}")
            assert response.status_code == 400, (path, name, response.status_code)
            valid("exception", orjson.loads(response.data))
            refused += 1
    assert refused > 2 * len(api["paths"])
