"""OGC API – Features through Flask's test client: documents, links, filters, paging, errors."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from clients.samples import (
    ARTICLE_A,
    ARTICLE_B,
    EVENT_IDS,
    EVENTS_IN_ORDER,
    LAYERS,
    write_data_dir,
)
from wholelayers import write_layers

from mapapp import create_app
from mapapp.core.links import absolute_sources
from mapapp.core.model import LAYER_IDS
from mapapp.ogc.collections import COLLECTIONS, collection, served

BASE = "http://localhost/ogc"
ITEMS = "/ogc/collections/events/items"


@pytest.fixture
def ogc(tmp_path):
    app = create_app({"DATA_DIR": str(write_data_dir(tmp_path / "data")), "TESTING": True})
    return app.test_client()


def rels(doc: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for link in doc["links"]:
        found.setdefault(link["rel"], []).append(link)
    return found


def local(href: str) -> str:
    assert href.startswith(BASE), href
    return href[len("http://localhost") :]


def item_ids(ogc, query: str) -> list[str]:
    response = ogc.get(f"{ITEMS}?limit=100&{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["numberMatched"] == body["numberReturned"] == len(body["features"])
    return [f["id"] for f in body["features"]]


def test_landing_page_links(ogc) -> None:
    response = ogc.get("/ogc/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["title"] == "mapapp OGC API – Features"
    links = {rel: [(x["href"], x["type"]) for x in group] for rel, group in rels(doc).items()}
    assert links == {
        "self": [(f"{BASE}/?f=json", "application/json")],
        "alternate": [(f"{BASE}/?f=html", "text/html")],
        "service-desc": [
            (f"{BASE}/openapi?f=json", "application/vnd.oai.openapi+json;version=3.0")
        ],
        "service-doc": [(f"{BASE}/openapi?f=html", "text/html")],
        "conformance": [(f"{BASE}/conformance", "application/json")],
        "data": [(f"{BASE}/collections", "application/json")],
    }
    for group in links.values():
        for href, media_type in group:
            target = ogc.get(local(href))
            assert target.status_code == 200
            assert target.headers["Content-Type"].split(";")[0] == media_type.split(";")[0]


def test_conformance(ogc) -> None:
    doc = ogc.get("/ogc/conformance").get_json()
    # Part 3 and CQL2 are checked in test_ogc_filter.py.
    assert doc["conformsTo"][:4] == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]
    assert [x["rel"] for x in doc["links"]] == ["self", "alternate"]


def test_collections_list_every_layer_with_links(ogc) -> None:
    doc = ogc.get("/ogc/collections").get_json()
    # A layer of several geometry families is served as one collection per family: here the
    # posts' zones beside their points (the sample routes are all lines, so no route areas).
    assert [c["id"] for c in doc["collections"]] == [
        "places", "peacekeeping-posts", "peacekeeping-post-zones", "routes", "events", "regions",
    ]  # fmt: skip
    assert {c["id"] for c in doc["collections"]} >= set(LAYER_IDS)
    for c in doc["collections"]:
        by_rel = rels(c)
        assert by_rel["self"][0]["href"] == f"{BASE}/collections/{c['id']}?f=json"
        items = [(x["href"], x["type"]) for x in by_rel["items"]]
        assert items[:2] == [
            (f"{BASE}/collections/{c['id']}/items", "application/geo+json"),
            (f"{BASE}/collections/{c['id']}/items?f=html", "text/html"),
        ]
        # Every encoding of the items, downloads too (/req/core/fc-md-items-links A); the
        # GeoJSON file is the first encoding again, so an enclosure (GDAL would page it).
        assert [href.rsplit("=", 1)[1] for href, _ in items[2:]] == ["csv", "kml", "gpkg"]
        assert [x["href"].rsplit("=", 1)[1] for x in by_rel["enclosure"]] == ["geojson"]
        assert c["itemType"] == "feature"
        assert c["crs"][0] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"  # the default first


@pytest.mark.parametrize(
    ("collection", "bbox", "interval"),
    [
        ("events", [-179.5, 10.0, 179.5, 55.75], ["1988-02-20T00:00:00Z", "2021-01-01T23:59:59Z"]),
        ("routes", [44.0, 39.0, 48.0, 39.8], ["2020-11-10T00:00:00Z", "2020-12-31T23:59:59Z"]),
        ("places", [32.85427, 39.81528, 46.75194, 55.75204], None),
        ("regions", [40.0, 38.0, 50.0, 48.0], None),
    ],
)
def test_collection_extent_is_computed_from_the_data(ogc, collection, bbox, interval) -> None:
    doc = ogc.get(f"/ogc/collections/{collection}").get_json()
    assert doc["extent"]["spatial"] == {
        "bbox": [bbox],
        "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    }
    if interval is None:
        assert "temporal" not in doc["extent"]
    else:
        assert doc["extent"]["temporal"] == {
            "interval": [interval],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }


def test_collection_carries_filters_into_its_item_links(ogc) -> None:
    doc = ogc.get("/ogc/collections/events?datetime=2020-11&kind=airlift").get_json()
    items = rels(doc)["items"][0]["href"]
    assert items == f"{BASE}/collections/events/items?datetime=2020-11&kind=airlift"
    assert ogc.get(local(items)).get_json()["numberMatched"] == 1


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ("46.4,39.6,46.8,39.95", ["ev-year", "ev-month", "ev-day"]),
        ("37,55,38,56", ["ev-range", "ev-multi"]),
        ("32,39,33,40", ["ev-multi"]),
        ("179,9,-179,11", ["ev-east", "ev-west"]),  # crosses the antimeridian
        ("-180,-90,180,90", EVENTS_IN_ORDER),
        ("0,0,1,1", []),
    ],
)
def test_bbox_filter(ogc, bbox: str, expected: list[str]) -> None:
    assert item_ids(ogc, f"bbox={bbox}") == expected


@pytest.mark.parametrize(
    ("datetime", "expected"),
    [
        ("2020-11-21", ["ev-year", "ev-month", "ev-day"]),
        ("2020-11-24", ["ev-year", "ev-month", "ev-range", "ev-multi"]),
        ("2020-11", ["ev-year", "ev-month", "ev-day", "ev-range", "ev-multi"]),
        ("2020-12-01", ["ev-year"]),
        ("2020-11-21T08:00:00Z", ["ev-year", "ev-month", "ev-day"]),
        ("2020-11-22/2020-11-23", ["ev-year", "ev-month", "ev-range"]),
        ("../1999", ["ev-old"]),
        ("2020-12/..", ["ev-year", "ev-hostile"]),
        ("2019-06-30", ["ev-east", "ev-west"]),
        ("../..", EVENTS_IN_ORDER[1:]),
    ],
)
def test_datetime_filter(ogc, datetime: str, expected: list[str]) -> None:
    # The undated event has no temporal geometry: every datetime matches it (and it sorts
    # first), /req/core/fc-time-response C.
    assert item_ids(ogc, f"datetime={datetime}") == ["ev-undated", *expected]


def test_datetime_keeps_every_undated_place(ogc) -> None:
    everything = ogc.get("/ogc/collections/places/items?limit=1000").get_json()
    window = ogc.get("/ogc/collections/places/items?limit=1000&datetime=2020-11-10").get_json()
    assert window["numberMatched"] == everything["numberMatched"] > 0
    assert [f["id"] for f in window["features"]] == [f["id"] for f in everything["features"]]


def test_a_limit_above_the_maximum_is_the_maximum(ogc) -> None:
    # /req/core/fc-limit-response-1 C: not an error; the next link asks for the maximum.
    response = ogc.get("/ogc/collections/events/items?limit=10001&offset=1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["numberReturned"] == len(body["features"]) == len(EVENTS_IN_ORDER) - 1
    self_link = next(link for link in body["links"] if link["rel"] == "self")
    assert "limit=10000" in self_link["href"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("event_type=phone_call", ["ev-range", "ev-multi"]),
        ("kind=airlift", ["ev-east", "ev-west", "ev-month"]),
        (f"article_id={ARTICLE_A}", ["ev-undated", "ev-day", "ev-range", "ev-multi", "ev-hostile"]),
        (f"article_id={ARTICLE_B}&datetime=2020-11-24", ["ev-year", "ev-month", "ev-multi"]),
        ("event_type=airlift&bbox=46,39,47,40&datetime=2020-11", ["ev-month"]),
        ("event_type=no-such-type", []),
    ],
)
def test_property_filters_combine(ogc, query: str, expected: list[str]) -> None:
    assert item_ids(ogc, query) == expected


def test_paging_walks_every_feature_once(ogc) -> None:
    url, seen, pages = f"{ITEMS}?limit=3", [], 0
    while url:
        body = ogc.get(url).get_json()
        pages += 1
        assert body["numberMatched"] == len(EVENT_IDS)
        assert body["numberReturned"] == len(body["features"]) == min(3, 10 - len(seen))
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timeStamp"])
        seen += [f["id"] for f in body["features"]]
        nxt = rels(body).get("next")
        url = local(nxt[0]["href"]) if nxt else None
    assert sorted(seen) == sorted(EVENT_IDS)
    assert (seen, pages) == (EVENTS_IN_ORDER, 4)


def test_next_and_prev_links_keep_the_filters(ogc) -> None:
    body = ogc.get(f"{ITEMS}?datetime=2020/..&limit=2&offset=3").get_json()
    assert [f["id"] for f in body["features"]] == ["ev-day", "ev-range"]
    assert body["numberMatched"] == 7  # the undated event too
    links = rels(body)
    assert dict(parse_qsl(urlsplit(links["next"][0]["href"]).query)) == {
        "datetime": "2020/..",
        "limit": "2",
        "offset": "5",
        "f": "json",
    }
    assert dict(parse_qsl(urlsplit(links["prev"][0]["href"]).query)) == {
        "datetime": "2020/..",
        "limit": "2",
        "offset": "1",
        "f": "json",
    }
    assert (
        links["self"][0]["href"]
        == f"{BASE}/collections/events/items?datetime=2020/..&limit=2&offset=3&f=json"
    )
    assert links["collection"][0]["href"] == f"{BASE}/collections/events"
    last = ogc.get(local(links["next"][0]["href"])).get_json()
    assert [f["id"] for f in last["features"]] == ["ev-multi", "ev-hostile"]
    assert "next" not in rels(last)  # 7 matched: nothing past offset 7
    first = ogc.get(f"{ITEMS}?limit=2").get_json()
    assert "prev" not in rels(first)


def test_default_page_size_is_ten(ogc) -> None:
    body = ogc.get(f"{ITEMS}?datetime=2020/..").get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (7, 7)
    body = ogc.get("/ogc/collections/events/items").get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (10, 10)
    assert "next" not in rels(body)


def test_single_feature(ogc) -> None:
    response = ogc.get("/ogc/collections/events/items/ev-multi")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    doc = response.get_json()
    # The sources' links to their sentences are absolute, for a GIS to open.
    expected = absolute_sources(LAYERS["events"][4], "http://localhost")
    # As the events collection serves it: one geometry type, nested values as JSON text.
    assert doc["geometry"]["type"] == "MultiPoint"
    assert {k: doc[k] for k in ("type", "id", "geometry", "properties")} == served(
        expected, collection("events")
    )
    assert json.loads(doc["properties"]["sources"]) == expected["properties"]["sources"]
    assert [(x["rel"], x["href"]) for x in doc["links"]] == [
        ("self", f"{BASE}/collections/events/items/ev-multi?f=json"),
        ("alternate", f"{BASE}/collections/events/items/ev-multi?f=html"),
        ("collection", f"{BASE}/collections/events"),
    ]


def test_a_repeated_identical_parameter_is_accepted(ogc) -> None:
    assert item_ids(ogc, "kind=airlift&kind=airlift") == ["ev-east", "ev-west", "ev-month"]


def test_filter_values_are_matched_in_nfc(tmp_path) -> None:
    layers = copy.deepcopy(LAYERS)
    (stepanakert,) = [f for f in layers["places"] if f["id"] == "pl-stepanakert"]
    stepanakert["properties"]["kind"] = unicodedata.normalize("NFC", "làng")
    data = write_layers(tmp_path / "data", layers)
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    nfd = quote(unicodedata.normalize("NFD", "làng"))
    assert nfd != quote("làng")
    body = client.get(f"/ogc/collections/places/items?kind={nfd}").get_json()
    assert [f["id"] for f in body["features"]] == ["pl-stepanakert"]


def test_openapi_document(ogc) -> None:
    response = ogc.get("/ogc/openapi")
    assert response.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    doc = response.get_json()
    assert doc["openapi"] == "3.0.3"
    assert doc["servers"] == [{"url": BASE}]
    assert sorted(doc["paths"]) == sorted(
        [
            "/",
            "/conformance",
            "/openapi",
            "/collections",
            "/collections/{collectionId}",
            "/collections/{collectionId}/items",
            "/collections/{collectionId}/queryables",
            "/collections/{collectionId}/items/{featureId}",
        ]
    )
    params = doc["components"]["parameters"]
    declared = [
        params[p["$ref"].rsplit("/", 1)[1]]
        for p in doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    ]
    assert [(p["name"], p["in"]) for p in declared] == [
        ("collectionId", "path"),
        ("f", "query"),
        ("bbox", "query"),
        ("bbox-crs", "query"),
        ("datetime", "query"),
        ("event_type", "query"),
        ("article_id", "query"),
        ("kind", "query"),
        ("filter", "query"),
        ("filter-lang", "query"),
        ("filter-crs", "query"),
        ("q", "query"),
        ("sortby", "query"),
        ("properties", "query"),
        ("skipGeometry", "query"),
        ("resulttype", "query"),
        ("crs", "query"),
        ("limit", "query"),
        ("offset", "query"),
    ]
    assert params["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10000,
        "default": 10,
    }
    listed = [c["id"] for c in ogc.get("/ogc/collections").get_json()["collections"]]
    assert params["collectionId"]["schema"]["enum"] == listed


def test_bundled_data_is_served_in_full(client) -> None:
    """Whatever geodata/ holds, every layer's features are served once, by the collections
    of that layer (one a geometry family), each feature as the plain API has it."""
    for layer in client.get("/api/layers").get_json():
        plain = {
            f["id"]: f for f in client.get(f"/api/layers/{layer['id']}").get_json()["features"]
        }
        seen: list[str] = []
        for found_in in COLLECTIONS:
            if found_in.layer_id != layer["id"]:
                continue
            body = client.get(f"/ogc/collections/{found_in.id}/items?limit=10000").get_json()
            assert body["numberMatched"] == body["numberReturned"]
            for feature in body["features"]:
                assert feature["geometry"] is None or (
                    feature["geometry"]["type"] == found_in.geometry_type
                )
                stored = absolute_sources(plain[feature["id"]], "http://localhost")
                assert feature == served(stored, found_in)
            seen += [f["id"] for f in body["features"]]
        assert sorted(seen) == sorted(plain) and len(seen) == layer["feature_count"]


def test_past_the_count_limit_a_page_leaves_out_number_matched_and_still_pages(tmp_path) -> None:
    """/req/core/fc-numberMatched B: matches counted one by one are counted up to a limit;
    past it, ``numberMatched`` is left out, and a full page has a next page."""
    data = write_data_dir(tmp_path / "data")
    ogc = create_app({"DATA_DIR": str(data), "TESTING": True, "OGC_COUNT_LIMIT": 3}).test_client()
    url, seen, pages = f"{ITEMS}?datetime=2020/..&limit=2", [], 0
    while url:
        body = ogc.get(url).get_json()
        pages += 1
        assert "numberMatched" not in body or body["numberMatched"] <= 3
        seen += [f["id"] for f in body["features"]]
        nxt = rels(body).get("next")
        url = local(nxt[0]["href"]) if nxt else None
    assert len(seen) == len(set(seen)) == 7 and pages == 4  # the fourth page is not full
    first = ogc.get(f"{ITEMS}?datetime=2020/..&limit=2").get_json()
    assert "numberMatched" not in first
    last = ogc.get(f"{ITEMS}?datetime=2020/..&limit=2&offset=4").get_json()
    assert "numberMatched" not in last and "next" in rels(last)
    few = ogc.get(f"{ITEMS}?datetime=2020-11-10&limit=2").get_json()
    assert 0 < few["numberMatched"] <= 3
    # The running counts are exact at any size: a collection's whole count is always given.
    assert ogc.get(f"{ITEMS}?limit=2").get_json()["numberMatched"] == len(EVENT_IDS)
    page = ogc.get(f"{ITEMS}?datetime=2020/..&limit=2&f=html").get_data(as_text=True)
    assert "of more than 3 matching" in page


def test_sortby_orders_by_date_or_id_either_way(ogc) -> None:
    dated = [i for i in EVENTS_IN_ORDER if i != "ev-undated"]
    ascending = item_ids(ogc, "sortby=date")
    assert ascending[-1] == "ev-undated" and len(ascending) == len(EVENTS_IN_ORDER)
    descending = item_ids(ogc, "sortby=-date")
    assert descending[-1] == "ev-undated"  # undated last both ways
    assert set(ascending) == set(descending) == set(EVENTS_IN_ORDER)
    assert item_ids(ogc, "sortby=id") == sorted(EVENTS_IN_ORDER)
    assert item_ids(ogc, "sortby=-id") == sorted(EVENTS_IN_ORDER, reverse=True)
    assert ascending.index("ev-old") == 0 and descending.index("ev-old") == len(dated) - 1
    response = ogc.get("/ogc/collections/events/items?sortby=name")
    assert response.status_code == 400 and "sortby" in response.get_json()["description"]


def test_properties_and_skip_geometry_shape_each_feature(ogc) -> None:
    body = ogc.get(
        "/ogc/collections/events/items?properties=date,event_type&skipGeometry=true&limit=3"
    ).get_json()
    assert body["numberReturned"] == 3
    for feature in body["features"]:
        assert feature["geometry"] is None
        assert set(feature["properties"]) <= {"date", "event_type"}
        assert feature["properties"]["event_type"]
    assert "properties=date,event_type" in rels(body)["next"][0]["href"]
    bad = ogc.get("/ogc/collections/events/items?skipGeometry=yes")
    assert bad.status_code == 400 and "skipGeometry" in bad.get_json()["description"]


def test_resulttype_hits_counts_without_features(ogc) -> None:
    body = ogc.get("/ogc/collections/events/items?resulttype=hits&event_type=phone_call")
    doc = body.get_json()
    assert doc["features"] == [] and doc["numberReturned"] == 0
    assert doc["numberMatched"] == 2
    assert "next" not in rels(doc)


def test_q_searches_names_actors_and_quotes(ogc) -> None:
    found = item_ids(ogc, "q=shoigu")
    assert found and "ev-day" in found  # an actor of the 16 November airlift
    assert item_ids(ogc, "q=zzzzzz") == []


def test_queryables_describe_the_filters(ogc) -> None:
    response = ogc.get("/ogc/collections/events/queryables")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    doc = response.get_json()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"{BASE}/collections/events/queryables" and doc["type"] == "object"
    assert {"geometry", "datetime", "kind", "article_id", "event_type"} <= set(doc["properties"])
    assert "phone_call" in doc["properties"]["event_type"]["enum"]
    places = ogc.get("/ogc/collections/places/queryables").get_json()
    assert "event_type" not in places["properties"]
    collection = ogc.get("/ogc/collections/events").get_json()
    rel = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
    assert [x["href"] for x in collection["links"] if x["rel"] == rel] == [doc["$id"]]


def test_the_outlines_name_their_licence(ogc) -> None:
    regions = ogc.get("/ogc/collections/regions").get_json()
    licence = [x for x in regions["links"] if x["rel"] == "license"]
    assert [x["href"] for x in licence] == ["https://www.naturalearthdata.com/about/terms-of-use/"]
    assert "public domain" in licence[0]["title"]


def test_a_window_pages_undated_events_first_then_the_walk_in_order(ogc) -> None:
    """A closed time window over events matches the undated ones too (read first, as they
    sort) and then walks the dated ones in order: every page, across that seam, is the slice
    of the whole answer."""
    query = f"{ITEMS}?datetime=2020-01-01/2020-12-31"
    whole = [f["id"] for f in ogc.get(f"{query}&limit=100").get_json()["features"]]
    assert whole[0] == "ev-undated" and len(whole) > 3
    for limit in (1, 2, 3):
        for offset in range(len(whole) + 1):
            body = ogc.get(f"{query}&limit={limit}&offset={offset}").get_json()
            page = [f["id"] for f in body["features"]]
            assert page == whole[offset : offset + limit], (limit, offset)
